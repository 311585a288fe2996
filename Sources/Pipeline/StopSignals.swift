// SIGINT, SIGTERM and SIGHUP as a clean stop, for every long-running command (watch, a cluster worker).
import Formats
import Foundation

/// Turns SIGINT, SIGTERM and SIGHUP into a call of `stop` (on a global queue) through the process's one handler
/// (Formats' `Termination`) instead of its default clean-up and exit, and ignores SIGPIPE so that a closed stdout
/// becomes a write error (exit 74) rather than a silent death. Termination owns the signal sources: the returned
/// array is empty and kept only for callers that hold it.
public enum StopSignals {
    public static func handle(_ stop: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        signal(SIGPIPE, SIG_IGN)
        Termination.handle { _ in stop() }
        return []
    }
}
