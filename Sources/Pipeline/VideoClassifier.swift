// The model stage: weights → AttentionCluster or AttentionLSTM, checked against a config, scores and top-k.
import Formats
import Foundation
import Models
import Tensor

/// One class and its sigmoid score, as the JSON outputs print it.
public struct ClassScore: Encodable, Sendable, Equatable {
    public var classIndex: Int
    public var label: String?
    public var score: Float

    enum CodingKeys: String, CodingKey {
        case classIndex = "class"
        case label, score
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(classIndex, forKey: .classIndex)
        try container.encode(label, forKey: .label)  // null when no label map names it
        try container.encode(score, forKey: .score)
    }
}

/// A loaded AttentionCluster or AttentionLSTM with its label names; sizes come from the weights.
public final class VideoClassifier {
    enum Network {
        case cluster(AttentionCluster)
        case lstm(AttentionLSTM)
    }

    private let network: Network
    public let type: ModelConfig.Kind
    /// Feature widths the model reads, rgb first.
    public let featureDims: [Int]
    public let classes: Int
    public let labels: LabelMap?

    /// Loads `weights` (`.safetensors` / `.pdparams`), checks every size `config` states against the tensors, and
    /// takes label names from `labels`, else the config's label file, else the weights' metadata.
    public init(weights: URL, labels: URL? = nil, config: ModelConfig = ModelConfig()) throws {
        let file = try loadWeights(weights)
        let kind = try Self.kind(of: file, path: weights.path, config: config)
        switch kind {
        case .attentionCluster:
            let model = try AttentionCluster(weights: file.tensors)
            network = .cluster(model)
            featureDims = model.sizes.featureDims
            classes = model.sizes.classes
            try ConfigCheck(config: config, weights: weights.path).attentionCluster(model.sizes)
        case .attentionLSTM:
            let model = try AttentionLSTM(weights: file.tensors)
            network = .lstm(model)
            featureDims = model.sizes.featureDims
            classes = model.sizes.classes
            try ConfigCheck(config: config, weights: weights.path).attentionLSTM(model.sizes)
        }
        type = kind
        if let url = labels ?? config.labels {
            self.labels = try LabelMap.load(url)
        } else {
            self.labels = try file.labelMap(path: weights.path)
        }
    }

    private static func kind(of file: WeightFile, path: String, config: ModelConfig) throws -> ModelConfig.Kind {
        let detected = file.modelType.flatMap { ModelConfig.Kind(rawValue: $0.rawValue) }
        if let stated = config.type, let detected, stated != detected {
            throw PipelineError.usage("\(path): the config says \(stated.rawValue) but the weights are \(detected.rawValue)")
        }
        guard let kind = detected ?? config.type else {
            throw PipelineError.usage("\(path): cannot tell whether these weights are attention_cluster or attention_lstm")
        }
        return kind
    }

    /// Sigmoid scores [K] of one video from its feature rows: rgb [T, Drgb], audio [T′, Daudio].
    public func scores(rgb: Tensor, audio: Tensor) throws -> [Float] {
        let logits: [Float]
        switch network {
        case .cluster(let model): logits = try model.logits(rgb: rgb, audio: audio)
        case .lstm(let model): logits = try model.logits(rgb: rgb, audio: audio)
        }
        return logits.map { 1 / (1 + exp(-$0)) }
    }

    /// The `k` best classes, highest score first (ties: lower class index first).
    public func topK(_ scores: [Float], k: Int) -> [ClassScore] {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return order.prefix(max(0, k)).map { ClassScore(classIndex: $0, label: labels?.name(for: $0), score: scores[$0]) }
    }
}
