// How long a camera waits before trying to connect again.

/// Delays between reconnection attempts: `retrySeconds`, then doubling per failed attempt up to `maxSeconds`
/// (default 6 × `retrySeconds`); a connection that delivered frames resets it.
public struct ReconnectBackoff: Sendable {
    /// The first delay (`--retry-interval`).
    public let retrySeconds: Double
    /// The longest delay.
    public let maxSeconds: Double
    private var failures = 0

    /// A backoff starting at `retrySeconds` (> 0) and capped at `maxSeconds` (default 6 × `retrySeconds`).
    public init(retrySeconds: Double, maxSeconds: Double? = nil) throws(StreamError) {
        guard retrySeconds > 0, retrySeconds.isFinite else {
            throw .badSetting("--retry-interval must be a positive number of seconds, got \(retrySeconds)")
        }
        self.retrySeconds = retrySeconds
        self.maxSeconds = max(retrySeconds, maxSeconds ?? 6 * retrySeconds)
    }

    /// The delay before the next attempt; each call counts one more failure.
    public mutating func nextDelay() -> Double {
        let delay = min(maxSeconds, retrySeconds * Double(1 << min(failures, 20)))
        failures += 1
        return delay
    }

    /// Back to `retrySeconds` (after a connection that delivered frames).
    public mutating func reset() { failures = 0 }
}
