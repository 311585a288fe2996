// What TERM, INT and HUP do in every command: one DispatchSource per signal, installed at start-up before a command
// can start a plug-in or open a temporary. By default a signal runs the registered clean-ups (plug-in process
// groups), removes OutputFile's temporaries in progress and exits 128 + N; a long command (watch, train) takes the
// signals over with `handle(_:)` and ends its own work (watch ends open events, train writes a checkpoint).
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The process's one handler of SIGINT, SIGTERM and SIGHUP.
public enum Termination {
    /// The signals that stop a command, all handled alike.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var sources: [DispatchSourceSignal] = []
        var handler: (@Sendable (Int32) -> Void)?
        var cleanups: [Int: @Sendable () -> Void] = [:]
        var nextKey = 0
        var last: Int32?
        var exiting = false
    }

    nonisolated(unsafe) private static var state = State()

    /// Starts catching the signals (once; later calls do nothing).
    public static func install() {
        state.lock.withLock {
            guard state.sources.isEmpty else { return }
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { received(number) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// Gives the signals to `handler` (nil: back to clean up and exit).
    public static func handle(_ handler: (@Sendable (Int32) -> Void)?) {
        install()
        state.lock.withLock { state.handler = handler }
    }

    /// Registers work a signal runs before the process exits (e.g. killing a plug-in's process group); the key
    /// removes it.
    public static func addCleanup(_ work: @escaping @Sendable () -> Void) -> Int {
        state.lock.withLock {
            state.nextKey += 1
            state.cleanups[state.nextKey] = work
            return state.nextKey
        }
    }

    /// The last stop signal that arrived, if any (a command that took the signals over exits 128 + it).
    public static var lastSignal: Int32? { state.lock.withLock { state.last } }

    /// Called by a command about to report a failure: when a stop signal is already taking the process down (its
    /// clean-ups kill plug-ins, which the command may see die first), the failure is that signal's doing, so the
    /// caller parks here and the signal's path ends the process with 128 + N. Returns at once otherwise.
    public static func parkIfExiting() {
        guard state.lock.withLock({ state.exiting }) else { return }
        while true { pause() }
    }

    /// Forgets the clean-up registered under `key`.
    public static func removeCleanup(_ key: Int) {
        _ = state.lock.withLock { state.cleanups.removeValue(forKey: key) }
    }

    private static func received(_ number: Int32) {
        let (handler, cleanups) = state.lock.withLock {
            state.last = number
            if state.handler == nil { state.exiting = true }
            return (state.handler, Array(state.cleanups.values))
        }
        if let handler { return handler(number) }
        OutputFile.removeTemporariesInProgress()
        let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][number] ?? "signal \(number)"
        FileHandle.standardError.write(Data("vigil: stopped by \(name)\n".utf8))
        // Last, right before the exit: a plug-in's death wakes the command, which must not get to report it.
        for cleanup in cleanups { cleanup() }
        _exit(128 + number)
    }
}
