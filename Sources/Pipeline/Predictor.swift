// What `vigil predict` runs: a model loaded from its weights (checked against an optional config), applied to
// feature records, turned into one JSON-ready result per video. AttentionCluster's frames are picked here with
// Media's UniformSampler, since Models never imports Media.
import Formats
import Foundation
import Media
import Models
import Tensor

/// A loaded AttentionLSTM or AttentionCluster with its class names and, for AttentionCluster, its frame sampler.
public final class Predictor {
    enum Model {
        case attentionLSTM(AttentionLSTM)
        case attentionCluster(AttentionCluster, UniformSampler)
    }

    let model: Model
    /// `attention_lstm` or `attention_cluster`.
    public let modelType: String
    /// Class names by index (nil where unknown).
    public let labels: LabelMap?
    /// Feature widths the model reads, rgb first (what the extractors must produce).
    public let featureDims: [Int]

    /// Loads `weights`; `config` (any layout) only checks the weights' shapes; `labels` overrides the config's and
    /// the weights' own label names. `segments` and `mode` set AttentionCluster's sampling (default 100, center).
    public init(
        weights url: URL, config: PipelineConfig? = nil, labels labelsURL: URL? = nil,
        segments: Int? = nil, mode: UniformSampler.Mode? = nil
    ) throws {
        let weights = try CheckedWeights(url, model: config?.model)
        let (file, type) = (weights.file, weights.type)
        modelType = type.rawValue
        switch type {
        case .attentionLSTM:
            let lstm = try AttentionLSTM(weights: file.tensors)
            model = .attentionLSTM(lstm)
            featureDims = lstm.sizes.featureDims
        case .attentionCluster:
            let segNum = segments ?? config?.sampling.segNum ?? 100
            guard segNum > 0 else { throw PipelineError.usage("--seg-num must be positive, not \(segNum)") }
            let fallback: UniformSampler.Mode = config?.sampling.mode == .random ? .random(seed: config?.sampling.seed ?? 0) : .center
            let cluster = try AttentionCluster(weights: file.tensors)
            if let rate = weights.dropRate(config?.model) { cluster.dropoutRate = rate }
            model = .attentionCluster(cluster, UniformSampler(segments: segNum, mode: mode ?? fallback))
            featureDims = cluster.sizes.featureDims
        }
        labels = try weights.labels(labelsURL ?? config?.model.labels)
    }

    /// Logits [K] of one video (AttentionCluster first samples seg_num rows of each modality).
    public func logits(_ record: FeatureRecord) throws -> [Float] {
        switch model {
        case .attentionLSTM(let lstm):
            return try lstm.logits(rgb: record.rgb, audio: record.audio)
        case .attentionCluster(let cluster, let sampler):
            guard record.rgb.rows > 0, record.audio.rows > 0 else {
                throw PipelineError.unusableInput(path: record.id, reason: "a video needs at least one rgb and one audio row")
            }
            let rgb = Self.rows(record.rgb, sampler.indices(frameCount: record.rgb.rows))
            let audio = Self.rows(record.audio, sampler.indices(frameCount: record.audio.rows))
            return try cluster.logits(rgb: rgb, audio: audio)
        }
    }

    /// The result for one video: the `topK` best classes by sigmoid score, and every logit and score if asked.
    public func predict(_ record: FeatureRecord, topK: Int, allScores: Bool) throws -> Prediction {
        prediction(record, logits: try logits(record), topK: topK, allScores: allScores)
    }

    /// The result for `record` from its logits.
    func prediction(_ record: FeatureRecord, logits: [Float], topK: Int, allScores: Bool) -> Prediction {
        let scores = logits.map(Elementwise.sigmoidScalar)
        return Prediction(
            video: record.id, model: modelType, topK: best(scores, topK),
            logits: allScores ? logits : nil, scores: allScores ? scores : nil)
    }

    /// The `k` best classes of `scores`, highest first (ties: lower class index first).
    public func best(_ scores: [Float], _ k: Int) -> [Prediction.ClassScore] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] || scores[$0] == scores[$1] && $0 < $1 }
        return order.prefix(max(0, k)).map { Prediction.ClassScore(classIndex: $0, label: labels?.name(for: $0), score: scores[$0]) }
    }

    /// The rows of `tensor` [T, D] at `indices`, in order: [indices.count, D].
    static func rows(_ tensor: Tensor, _ indices: [Int]) -> Tensor {
        let width = tensor.columns
        var scalars: [Float] = []
        scalars.reserveCapacity(indices.count * width)
        for index in indices { scalars += tensor.scalars[index * width..<(index + 1) * width] }
        return Tensor(shape: [indices.count, width], scalars: scalars)
    }
}

/// One line of `vigil predict`'s output.
public struct Prediction: Encodable, Sendable {
    /// One class and its sigmoid probability.
    public struct ClassScore: Encodable, Sendable {
        public var classIndex: Int
        public var label: String?
        public var score: Float

        enum CodingKeys: String, CodingKey { case classIndex = "class", label, score }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(classIndex, forKey: .classIndex)
            try container.encode(label, forKey: .label)  // null when the class has no name
            try container.encode(score, forKey: .score)
        }
    }

    public var video: String
    public var model: String
    public var topK: [ClassScore]
    public var logits: [Float]?
    public var scores: [Float]?

    enum CodingKeys: String, CodingKey { case video, model, topK = "top_k", logits, scores }
}
