// Keyframe-only decoding for sparse sampling of live streams. When frames are kept at a rate whose interval is at
// least the stream's keyframe interval (cameras often send one keyframe a second and are sampled at 1 frame/s), the
// decoder can skip every non-key frame (skip_frame = AVDISCARD_NONKEY) and the keyframe nearest each sampling
// instant is kept: each kept frame is at most half a keyframe interval from its instant, and carries its own pts.
import CFFmpeg

/// Which frames the video decoder decodes when a `ReadRequest` keeps frames at a rate.
public enum FrameDecoding: String, Sendable, CaseIterable {
    /// Keyframes only while the stream's keyframe interval fits the sampling interval, every frame otherwise.
    case auto
    /// Every frame (non-reference frames may still be skipped, see `ReadRequest.skipNonReference`).
    case all
    /// Keyframes only, whatever their spacing (a long keyframe interval leaves sampling instants without a frame).
    case keyframes
}

/// Decides from the stream's key packets whether keyframe-only decoding fits, and picks the keyframe nearest each
/// sampling instant `start + s / rate` from the keyframes decoded (in presentation order).
struct KeyframeSampling {
    /// A keyframe interval at most this much longer than the sampling interval still counts as fitting (encoders
    /// place keyframes on frame boundaries, so a 1 s GOP at 29.97 frames/s is 1.001 s).
    static let tolerance = 1.05
    /// Consecutive fitting keyframe intervals seen before `auto` switches to keyframes only.
    static let intervalsToSwitch = 2

    let choice: FrameDecoding
    /// Seconds between sampling instants (nil: no rate, keyframe-only decoding does not apply under `auto`).
    let interval: Double?
    /// Whether the decoder is asked for keyframes only now.
    private(set) var isActive: Bool
    private var lastKeyPts: Double?
    private var fittingIntervals = 0
    /// The longest keyframe interval seen (seconds), for reporting.
    private(set) var longestKeyInterval: Double?

    init(choice: FrameDecoding, framesPerSecond: Double?) {
        self.choice = choice
        interval = framesPerSecond.flatMap { $0 > 0 ? 1 / $0 : nil }
        isActive = choice == .keyframes
    }

    /// Sees one video packet before it is decoded; under `auto`, switches on after two fitting keyframe intervals in a
    /// row and off at the first keyframe interval that does not fit. Returns true when the mode changed.
    mutating func observe(keyPacketAt pts: Double?) -> Bool {
        guard choice == .auto, let interval, let pts, pts.isFinite else { return false }
        defer { lastKeyPts = pts }
        guard let last = lastKeyPts, pts > last else { return false }
        let gap = pts - last
        longestKeyInterval = max(longestKeyInterval ?? 0, gap)
        let before = isActive
        if gap <= interval * Self.tolerance {
            fittingIntervals += 1
            if fittingIntervals >= Self.intervalsToSwitch { isActive = true }
        } else {
            fittingIntervals = 0
            isActive = false
        }
        return before != isActive
    }
}

/// The keyframe nearest each sampling instant, chosen as keyframes arrive: a keyframe is held until the next one
/// shows which of the two is nearer to the instants between them. A frame nearest to two instants is kept once.
final class NearestKeyframePicker {
    private let held: Frame
    private var heldPts: Double?
    private var heldIndex = 0
    private var heldKept = false

    init(_ location: String) throws { held = try Frame(location) }

    /// Forgets the held frame (when the reader leaves keyframe-only decoding).
    func reset() {
        held.unref()
        heldPts = nil
    }

    /// Passes `frame` (pts seconds, decode index) and returns the frames to keep, in order, through `keep`; instants
    /// are `start + s / rate` for s from `nextInstant`, which advances past every instant at or before `pts`.
    func offer(
        _ frame: Frame, index: Int, pts: Double, start: Double, rate: Double, nextInstant: inout Int,
        keep: (Frame, Int, Double) throws -> Void
    ) throws {
        var keptCurrent = false
        while start + Double(nextInstant) / rate <= pts + 1e-6 {
            let instant = start + Double(nextInstant) / rate
            nextInstant += 1
            if let heldPts, instant - heldPts <= pts - instant {
                guard !heldKept else { continue }
                heldKept = true
                try keep(held, heldIndex, heldPts)
            } else if !keptCurrent {
                keptCurrent = true
                try keep(frame, index, pts)
            }
        }
        held.unref()
        guard av_frame_ref(held.pointer, frame.pointer) >= 0 else {
            heldPts = nil
            return
        }
        (heldPts, heldIndex, heldKept) = (pts, index, keptCurrent)
    }
}

extension Packet {
    /// Whether the demuxer flagged the packet as a keyframe.
    var isKey: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }

    /// The packet's presentation time (its decode time when it has none) in seconds, nil when it has neither.
    func seconds(_ timeBase: Double) -> Double? {
        let nopts = vigil_nopts_value()
        let stamp = pointer.pointee.pts != nopts ? pointer.pointee.pts : pointer.pointee.dts
        return stamp == nopts ? nil : Double(stamp) * timeBase
    }
}
