// StopSignal: turns SIGINT, SIGTERM or SIGHUP (Formats' Termination) into a flag the training loop polls, so it can
// checkpoint before exiting.
import Formats
import Foundation

/// Raised once SIGINT, SIGTERM or SIGHUP arrives; while it is alive, those signals no longer end the process.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    /// Starts catching the signals.
    public init() {
        Termination.handle { [weak self] _ in self?.raise() }
    }

    deinit {
        Termination.handle(nil)
    }

    /// Whether a stop signal has arrived.
    public var isRaised: Bool { lock.withLock { raised } }

    private func raise() { lock.withLock { raised = true } }
}
