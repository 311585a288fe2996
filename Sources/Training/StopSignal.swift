// StopSignal: turns Ctrl-C (SIGINT) into a flag the training loop polls, so it can checkpoint before exiting.
import Dispatch
import Foundation

/// Raised once SIGINT arrives; while it is alive, SIGINT no longer kills the process.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var source: DispatchSourceSignal?

    /// Starts catching SIGINT.
    public init() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.raise() }
        source.resume()
        self.source = source
    }

    deinit {
        source?.cancel()
        signal(SIGINT, SIG_DFL)
    }

    /// Whether SIGINT has arrived.
    public var isRaised: Bool { lock.withLock { raised } }

    private func raise() { lock.withLock { raised = true } }
}
