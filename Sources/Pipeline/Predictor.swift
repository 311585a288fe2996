// What `vigil predict` and `vigil classify` run: a model loaded from its weights (checked against an optional
// config) wrapped in the one Scorer, applied to feature records, one JSON-ready result per video.
import Formats
import Foundation
import Models
import Tensor

/// A loaded AttentionLSTM or AttentionCluster with its class names and, for AttentionCluster, its row sampler.
public final class Predictor {
    /// The model, its row sampling and class names.
    public let scorer: Scorer
    /// `attention_lstm` or `attention_cluster`.
    public let modelType: String
    /// Feature widths the model reads, rgb first (what the extractors must produce).
    public var featureDims: [Int] { scorer.model.featureWidths }
    /// Whether the model reads audio (two or more modalities); an rgb-only model ignores a record's audio.
    var readsAudio: Bool { scorer.model.featureWidths.count > 1 }

    /// Loads `weights`; `config` (any layout) only checks the weights' shapes; `labels` overrides the config's and
    /// the weights' own label names. `segments` and `mode` set AttentionCluster's sampling (nil: as `PipelineSettings`
    /// resolves `config`, default 100, center).
    public init(
        weights url: URL, config: PipelineConfig? = nil, labels labelsURL: URL? = nil,
        segments: Int? = nil, mode: UniformSampler.Mode? = nil
    ) throws {
        let weights = try CheckedWeights(url, model: config?.model)
        modelType = weights.type.rawValue
        var sampler: UniformSampler?
        if weights.type == .attentionCluster {
            let resolved = PipelineSettings(config: config ?? PipelineConfig())
            let segNum = segments ?? resolved.segments
            try NumberLimits.checked(segNum, "--seg-num", in: NumberLimits.segments)
            sampler = UniformSampler(segments: segNum, mode: mode ?? resolved.rowMode)
        }
        let model = try weights.model(config?.model)
        let labels = try weights.labels(labelsURL ?? config?.model.labels)
        scorer = Scorer(model: model, sampler: sampler, names: labels?.names ?? [])
    }

    /// Logits [K] of one video (AttentionCluster first samples seg_num rows of each modality).
    public func logits(_ record: FeatureRecord) throws -> [Float] {
        if scorer.sampler != nil, record.rgb.rows == 0 || readsAudio && record.audio.rows == 0 {
            throw PipelineError.unusableInput(path: record.id, reason: "a video needs at least one rgb and one audio row")
        }
        return try scorer.logits(rgb: record.rgb, audio: record.audio).logits
    }

    /// The result for one video: the `topK` best classes by sigmoid score, and every logit and score if asked.
    public func predict(_ record: FeatureRecord, topK: Int, allScores: Bool) throws -> Prediction {
        prediction(record, logits: try logits(record), topK: topK, allScores: allScores)
    }

    /// The result for `record` from its logits.
    func prediction(_ record: FeatureRecord, logits: [Float], topK: Int, allScores: Bool) -> Prediction {
        let scores = Scorer.sigmoid(logits)
        return Prediction(
            video: record.id, model: modelType, topK: scorer.best(scores, topK),
            logits: allScores ? logits : nil, scores: allScores ? scores : nil)
    }
}

/// One line of `vigil predict`'s output.
public struct Prediction: Encodable, Sendable {
    public var video: String
    public var model: String
    public var topK: [ClassScore]
    public var logits: [Float]?
    public var scores: [Float]?

    enum CodingKeys: String, CodingKey { case video, model, topK = "top_k", logits, scores }
}
