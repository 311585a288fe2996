// Decides when the rolling window is classified: every `strideSeconds` of stream time.
/// Fires once per `strideSeconds` of presentation time, counted from the first frame after a reset. When frames
/// jump forward by more than a stride, missed strides are skipped (one firing), never replayed.
public struct StrideScheduler: Sendable {
    /// Stream seconds between two classifications.
    public let strideSeconds: Double
    private var nextPts: Double?

    /// A scheduler firing every `strideSeconds` (must be > 0).
    public init(strideSeconds: Double) throws(StreamError) {
        guard strideSeconds > 0, strideSeconds.isFinite else {
            throw .badSetting("--stride must be a positive number of seconds, got \(strideSeconds)")
        }
        self.strideSeconds = strideSeconds
    }

    /// True when a window ending at the frame at `pts` is due for classification.
    public mutating func isDue(pts: Double) -> Bool {
        guard let next = nextPts else {
            nextPts = pts + strideSeconds
            return false
        }
        if pts < next - strideSeconds {  // the clock went backwards: start over
            nextPts = pts + strideSeconds
            return false
        }
        guard pts >= next else { return false }
        let missed = ((pts - next) / strideSeconds).rounded(.down)
        nextPts = next + (missed + 1) * strideSeconds
        return true
    }

    /// Starts counting afresh at the next frame (after a reconnect).
    public mutating func reset() { nextPts = nil }
}
