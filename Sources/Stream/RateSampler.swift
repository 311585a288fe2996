// Keeps frames at a fixed rate by presentation time, whatever rate the camera sends.
/// Picks at most one frame per `1/fps` seconds of presentation time: a frame is kept when it falls in a later
/// time slot (floor(pts · fps)) than the last kept one. A timestamp that goes back more than one slot starts afresh.
public struct RateSampler: Sendable {
    /// Frames kept per second of stream time.
    public let fps: Double
    private var lastSlot: Int64?

    /// A sampler keeping `fps` frames per second (must be > 0).
    public init(fps: Double) throws(StreamError) {
        guard fps > 0, fps.isFinite else { throw .badSetting("--fps must be a positive number, got \(fps)") }
        self.fps = fps
    }

    /// True when the frame at `pts` (seconds) should be kept.
    public mutating func keep(pts: Double) -> Bool {
        guard pts.isFinite else { return false }
        let slot = Int64((pts * fps).rounded(.down))
        if let last = lastSlot, slot <= last, slot >= last - 1 { return false }  // same slot, or jitter
        lastSlot = slot
        return true
    }

    /// Forgets the last kept frame (after a reconnect).
    public mutating func reset() { lastSlot = nil }
}
