// SIGINT and SIGTERM as a clean stop, for every long-running command (watch, a cluster worker).
import Foundation

/// Turns SIGINT and SIGTERM into a call of `stop` (on a global queue) instead of their default action, and ignores
/// SIGPIPE so that a closed stdout becomes a write error (exit 74) rather than a silent death. Keep the returned
/// sources for as long as the handling should last.
public enum StopSignals {
    public static func handle(_ stop: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        signal(SIGPIPE, SIG_IGN)
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
    }
}
