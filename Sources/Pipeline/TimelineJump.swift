// When a camera's video timestamps leave their timeline: a step back (concatenated segments restarting at 0) or a
// leap forward far beyond the time that passed (FFmpeg unwrapping an MPEG-TS 33-bit wrap it misread: 26.5 hours).
import Media

/// A discontinuity between two consecutive frames of one connection. `watch` hands out the old timeline's last
/// windows and goes on with a new feature stream whose clock continues where the old one stopped.
struct TimelineJump: Equatable {
    enum Direction: String { case back, forward }

    let direction: Direction
    /// The previous frame's pts and this frame's (seconds).
    let from: Double
    let to: Double

    /// How far the timestamps may run ahead of the time that passed between two frames before it counts as a jump:
    /// 10 s or 10 sampling intervals, whichever is longer (a slow sampling rate has long gaps between frames).
    static func forwardBound(frameInterval: Double) -> Double { max(10, 10 * frameInterval) }

    /// The jump from `previous` (the last frame's pts, and the monotonic seconds when it arrived) to a frame at `pts`
    /// arriving at `wall`, or nil. Back: more than `MediaReader.backwardJumpSeconds` below (a smaller step back is
    /// B-frame reordering). Forward: more than `forwardBound` beyond the wall time that passed, so a live camera
    /// that sent nothing for a minute and resumes on the same clock is not a jump, while a file (read faster than
    /// real time) with a gap of more than 10 s in its timestamps is.
    init?(from previous: (pts: Double, wall: Double)?, to pts: Double, wall: Double, frameInterval: Double) {
        guard let previous else { return nil }
        if pts < previous.pts - MediaReader.backwardJumpSeconds {
            direction = .back
        } else if pts - previous.pts - max(0, wall - previous.wall) > Self.forwardBound(frameInterval: frameInterval) {
            direction = .forward
        } else {
            return nil
        }
        from = previous.pts
        to = pts
    }

    /// The stderr line `watch` prints for it.
    func message(camera: String) -> String {
        "vigil: \(camera): timestamps jumped \(direction.rawValue) from \(Self.seconds(from)) s to \(Self.seconds(to)) s; "
            + "continuing on a new timeline"
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }
}
