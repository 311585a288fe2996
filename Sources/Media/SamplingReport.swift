// What exact sampling did, for the output and for benchmarks.

/// Counts from `MediaSource.frames(at:size:_:)`.
public struct SamplingReport: Sendable, Equatable {
    /// Frames in the video stream (presentation order indices run 0..<frameCount).
    public var frameCount = 0
    /// Frames the decoder rejected or flagged as damaged while sampling (skipped, not fatal).
    public var damagedFrames = 0
    /// Requested frames that could not be produced (damaged or absent); they are left out of the output.
    public var missingFrames = 0
    /// Video packets sent to the decoder.
    public var decodedPackets = 0
    /// Seeks made.
    public var seeks = 0
    /// Where the frame index came from.
    public var indexSource = IndexSource.packets

    /// How the sampler learned every frame's timestamp and keyframe flag before seeking.
    public enum IndexSource: String, Sendable {
        /// A demux-only pass over the whole video stream.
        case packets
        /// The MP4/MOV sample table (stts/ctts/stss), checked against FFmpeg's index; no packet read.
        case sampleTable = "sample_table"
    }

    public init() {}
}
