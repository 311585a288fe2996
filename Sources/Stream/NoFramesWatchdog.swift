// Notices a camera that stays connected but stops sending frames, and any reader asked to stop.
import Foundation

/// Thread-safe record of when a camera last delivered a frame. The decode loop's interrupt check asks
/// `shouldInterrupt()`: true once no frame came for `timeoutSeconds`, or after `stop()` (shutdown).
public final class NoFramesWatchdog: @unchecked Sendable {
    /// Seconds without a frame before the reader is interrupted (`--no-frames-timeout`).
    public let timeoutSeconds: Double
    private let lock = NSLock()
    private var lastFrame: Double
    private var stopped = false
    private let clock: @Sendable () -> Double

    /// A watchdog armed now; `clock` gives monotonic seconds (default: the system's uptime clock).
    public init(timeoutSeconds: Double, clock: @escaping @Sendable () -> Double = NoFramesWatchdog.monotonicSeconds)
        throws(StreamError)
    {
        guard timeoutSeconds > 0, timeoutSeconds.isFinite else {
            throw .badSetting("--no-frames-timeout must be a positive number of seconds, got \(timeoutSeconds)")
        }
        self.timeoutSeconds = timeoutSeconds
        self.clock = clock
        lastFrame = clock()
    }

    /// Seconds since boot, never going backwards.
    @Sendable public static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Re-arms the watchdog (a frame arrived, or a new connection attempt starts).
    public func feed() {
        lock.lock()
        lastFrame = clock()
        lock.unlock()
    }

    /// Asks every reader checking this watchdog to give up for good.
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    /// True after `stop()`.
    public var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// True when the reader should abandon its blocking call: stopped, or starved for `timeoutSeconds`.
    public func shouldInterrupt() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped || clock() - lastFrame >= timeoutSeconds
    }

    /// True when starved (and not stopped): the reason to report "no frames".
    public var isStarved: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !stopped && clock() - lastFrame >= timeoutSeconds
    }
}
