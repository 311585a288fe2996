// Maps a connection's presentation times to epoch seconds.
import Foundation

/// Anchors a connection's stream time to the wall clock: the first frame's pts is "now"; later frames add their
/// pts difference. Live cameras thus get wall-clock times; a file read faster than real time gets times that run
/// ahead of the wall clock by as much as it was read faster.
public struct StreamClock: Sendable {
    private var anchor: (pts: Double, epoch: Double)?

    /// An unanchored clock (anchors at the first `epoch(pts:)`).
    public init() {}

    /// Epoch seconds for `pts`; the first call anchors the clock at `now`.
    public mutating func epoch(pts: Double, now: Double = Date().timeIntervalSince1970) -> Double {
        if let anchor { return anchor.epoch + (pts - anchor.pts) }
        anchor = (pts, now)
        return now
    }

    /// Epoch seconds for `pts` without anchoring (nil before the first frame).
    public func peek(pts: Double) -> Double? { anchor.map { $0.epoch + (pts - $0.pts) } }

    /// Forgets the anchor (a new connection).
    public mutating func reset() { anchor = nil }
}
