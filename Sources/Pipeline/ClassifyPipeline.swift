// decode → sample → extract → model → result, for `vigil classify` (and anything else that classifies a file).
import Features
import Formats
import Foundation
import Media
import Models
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

/// Extraction and a model, joined: classifies whole files. The model stage is `Predictor`, the same as
/// `vigil predict`'s, so classifying a file equals extracting it and predicting on the feature file.
public final class ClassifyPipeline {
    public let extraction: FeatureExtraction
    public let predictor: Predictor
    public let topK: Int

    /// Builds the stages from resolved settings: loads the model, then the extractors checked against its widths.
    /// AttentionCluster reads seg_num rows picked uniformly from the extracted ones (`--seg-num` decodes exactly
    /// those frames; otherwise the pipeline's `sampling.seg_num`, default 100).
    public init(_ settings: PipelineSettings) throws {
        guard settings.weights != nil else { throw PipelineError.usage("no model weights: pass --weights or --pipeline") }
        predictor = try Predictor(settings: settings)
        extraction = try FeatureExtraction(settings: settings, modelDimensions: predictor.featureDims)
        topK = settings.topK
    }

    /// Classifies `location`; also returns its features (for a timeline).
    public func run(_ location: String, progress: ((Double) -> Void)? = nil) throws -> (ClassificationResult, ExtractedFeatures) {
        var features = try extraction.run(location, progress: progress)
        let start = DispatchTime.now().uptimeNanoseconds
        let scores = try self.scores(features.record(id: location))
        features.timings.model = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        features.timings.total += features.timings.model
        let result = ClassificationResult(
            source: location, duration: features.duration, model: predictor.modelType, frames: modelRows(features.frameCount),
            sampledFrames: features.frameCount, audio: features.hasAudio, damagedFrames: features.damagedFrames,
            topK: predictor.scorer.best(scores, topK), timings: features.timings)
        return (result, features)
    }

    /// Sigmoid scores [K] of one record.
    func scores(_ record: FeatureRecord) throws -> [Float] {
        Scorer.sigmoid(try predictor.logits(record))
    }

    /// How many rows the model reads out of `count` extracted ones.
    func modelRows(_ count: Int) -> Int {
        predictor.scorer.sampler?.segments ?? count
    }
}
