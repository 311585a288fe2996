// decode → sample → extract → model → result, for `vigil classify` (and anything else that classifies a file).
import Features
import Foundation
import Media
import Tensor

/// The result of classifying one input: what `vigil classify` prints as one JSON line.
public struct ClassificationResult: Encodable, Sendable {
    public var source: String
    public var duration: Double?
    public var model: String
    /// Feature rows the model read.
    public var frames: Int
    /// Rows extracted (sampled frames) before the model's own row sampling.
    public var sampledFrames: Int
    /// Whether the input has an audio track (false: zero audio features, docs/extractors.md).
    public var audio: Bool
    public var damagedFrames: Int
    public var topK: [ClassScore]
    public var timings: StageTimings

    enum CodingKeys: String, CodingKey {
        case source, duration, model, frames, audio, timings
        case sampledFrames = "sampled_frames"
        case damagedFrames = "damaged_frames"
        case topK = "top_k"
    }
}

/// Extraction and a model, joined: classifies whole files.
public final class ClassifyPipeline {
    public let extraction: FeatureExtraction
    public let classifier: VideoClassifier
    /// AttentionCluster reads this many rows picked uniformly from the extracted ones (nil: all rows).
    public let modelRows: Int?
    public let rowMode: UniformSampler.Mode
    public let topK: Int

    /// Builds the stages from resolved settings: loads the model, then the extractors checked against its widths.
    public init(_ settings: PipelineSettings) throws {
        guard let weights = settings.weights else { throw PipelineError.usage("no model weights: pass --weights or --pipeline") }
        classifier = try VideoClassifier(weights: weights, labels: settings.labels, config: settings.config.model)
        extraction = try FeatureExtraction(settings: settings, modelDimensions: classifier.featureDims)
        if classifier.type == .attentionCluster, case .perSecond = extraction.sampling.rate {
            modelRows = settings.config.sampling.segNum
        } else {
            modelRows = nil
        }
        rowMode = settings.rowMode
        topK = settings.topK
    }

    /// Classifies `location`; also returns its features (for a timeline).
    public func run(_ location: String, progress: ((Double) -> Void)? = nil) throws -> (ClassificationResult, ExtractedFeatures) {
        var features = try extraction.run(location, progress: progress)
        let rows = modelRowIndices(count: features.frameCount)
        let (rgb, audio) = features.rows(rows)
        let start = DispatchTime.now().uptimeNanoseconds
        let scores = try classifier.scores(rgb: rgb, audio: audio)
        features.timings.model = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        features.timings.total += features.timings.model
        let result = ClassificationResult(
            source: location, duration: features.duration, model: classifier.type.rawValue, frames: rows.count,
            sampledFrames: features.frameCount, audio: features.hasAudio, damagedFrames: features.damagedFrames,
            topK: classifier.topK(scores, k: topK), timings: features.timings)
        return (result, features)
    }

    /// The rows of `count` extracted rows the model reads.
    func modelRowIndices(count: Int) -> [Int] {
        guard let modelRows else { return Array(0..<count) }
        return UniformSampler(segments: modelRows, mode: rowMode).indices(frameCount: count)
    }
}
