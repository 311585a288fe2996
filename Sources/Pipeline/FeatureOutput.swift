// `vigil extract`'s output: the features written through Formats, and a one-line JSON summary.
import Formats
import Foundation

/// What `vigil extract` prints after writing a feature file.
public struct ExtractionSummary: Encodable, Sendable {
    public var source: String
    public var output: String
    public var frames: Int
    public var rgbDimension: Int
    public var audioDimension: Int
    /// Whether the input has an audio track (false: the audio rows are zeros, docs/extractors.md).
    public var audio: Bool
    public var damagedFrames: Int
    public var timings: StageTimings

    enum CodingKeys: String, CodingKey {
        case source, output, frames, audio, timings
        case rgbDimension = "rgb_dimension"
        case audioDimension = "audio_dimension"
        case damagedFrames = "damaged_frames"
    }
}

extension ExtractedFeatures {
    /// Writes these features to `url` in the format its extension names (`.safetensors`, `.tfrecord`, `.pkl`),
    /// under the id of the input's file name without extension.
    public func write(to url: URL) throws -> ExtractionSummary {
        let id = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        try writeFeatureRecords([record(id: id)], to: url)
        return ExtractionSummary(
            source: source, output: url.path, frames: frameCount, rgbDimension: rgb.shape[1], audioDimension: audio.shape[1],
            audio: hasAudio, damagedFrames: damagedFrames, timings: timings)
    }
}
