// What the extraction stage hands on: one row of rgb and audio features per sampled frame.
import Formats
import Tensor

/// Features of one input: row t of `rgb` and `audio` belongs to the frame at `timestamps[t]`.
public struct ExtractedFeatures: Sendable {
    public var source: String
    public var rgb: Tensor  // [T, Drgb]
    /// Audio features of the second starting at each frame; zeros when the input has no audio track.
    public var audio: Tensor  // [T, Daudio]
    public var timestamps: [Double]  // [T] seconds
    /// Presentation-order indices of the sampled frames.
    public var frameIndices: [Int]  // [T]
    /// Whether the input has an audio track (false: `audio` is the zeros convention of docs/extractors.md).
    public var hasAudio: Bool
    /// Container duration in seconds, if known.
    public var duration: Double?
    /// Frames the decoder skipped as damaged.
    public var damagedFrames: Int
    public var timings: StageTimings

    public var frameCount: Int { timestamps.count }

    /// As a `FeatureRecord` (for the Formats writers), with `id`.
    public func record(id: String) -> FeatureRecord {
        FeatureRecord(id: id, rgb: rgb, audio: audio, labels: [], timestamps: timestamps.map { Float($0) })
    }
}
