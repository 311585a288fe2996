// The model catalogue: which models Vigil runs, how a state dict tells which one it is, how a model is made from it,
// and which tensor carries each configurable size. The one place that spells out the models' Paddle key names
// outside the models themselves (AttentionLSTM.swift and AttentionCluster.swift take their own keys).
import Tensor

/// The two model families; raw values are the pipeline YAML's `model.type` and the weights' `model_type` metadata.
public enum ModelKind: String, Sendable, Equatable, CaseIterable {
    case attentionLSTM = "attention_lstm"
    case attentionCluster = "attention_cluster"

    /// The family whose Paddle parameter names `names` are: AttentionLSTM's `head.bi_lstm…`, `head.fc_logit…`,
    /// `head.att_fc…`, or AttentionCluster's `satt…`, `logistic.…`; nil for neither or both.
    public static func detect(from names: some Sequence<String>) -> ModelKind? {
        var lstm = false, cluster = false
        for name in names {
            if name.hasPrefix("head.bi_lstm") || name.hasPrefix("head.fc_logit") || name.hasPrefix("head.att_fc") { lstm = true }
            if name.hasPrefix("satt") || name.hasPrefix("logistic.") { cluster = true }
        }
        switch (lstm, cluster) {
        case (true, false): return .attentionLSTM
        case (false, true): return .attentionCluster
        default: return nil
        }
    }

    /// The family of a weights file: its `model_type` metadata when it has one, else its parameter names.
    public static func of(tensors: [String: Tensor], metadata: [String: String]) -> ModelKind? {
        ModelKind(rawValue: metadata[metadataKey] ?? "") ?? detect(from: tensors.keys)
    }

    /// AttentionCluster's rows per video when nothing says otherwise (PaddleCV's `seg_num`); the one definition
    /// predict, classify, watch, eval and train use.
    public static let defaultSegNum = 100

    /// The metadata key Vigil's `.safetensors` weights carry the kind under.
    public static let metadataKey = "model_type"

    /// The model made from a state dict keyed by Paddle's names (every key taken, shapes checked).
    public func make(weights: [String: Tensor]) throws -> any FeatureClassifier {
        switch self {
        case .attentionLSTM: try AttentionLSTM(weights: weights)
        case .attentionCluster: try AttentionCluster(weights: weights)
        }
    }

    /// Lays a state dict out for models that will only infer (AttentionLSTM: `AttentionLSTM.layOutForInference`, its
    /// LSTM weights re-laid as panels in place; AttentionCluster: unchanged). Fails as `make` does on a missing or
    /// misshapen key, so errors name the shapes as stored.
    public func layOutForInference(_ weights: inout [String: Tensor]) throws {
        guard self == .attentionLSTM else { return }
        try check(weights)
        AttentionLSTM.layOutForInference(&weights)
    }

    /// Builds the model once and drops it (before anything re-lays the weights in place, which must own them alone).
    private func check(_ weights: [String: Tensor]) throws { _ = try make(weights: weights) }

    /// How many modalities (feature streams) a state dict of this family has: its branches 0, 1, … by Paddle's names.
    public func modalities(in weights: [String: Tensor]) -> Int {
        switch self {
        case .attentionLSTM: AttentionLSTM.modalities(in: weights)
        case .attentionCluster: AttentionCluster.modalities(in: weights)
        }
    }

    /// Where a configurable size lives in the weights: the config key, its position in a list key (nil: a single
    /// value), the tensor that carries it and the axis.
    public struct SizeRule: Sendable, Equatable {
        public let key: String
        public let position: Int?
        public let tensor: String
        public let axis: Int
    }

    /// Every configurable size of a `modalities`-stream model of this family and the tensor axis that carries it (for
    /// checking a config against weights; a disagreement names the tensor).
    public func sizeRules(modalities: Int = 2) -> [SizeRule] {
        var rules: [SizeRule] = []
        switch self {
        case .attentionLSTM:
            for i in 0..<modalities {
                rules.append(SizeRule(key: "feature_dims", position: i, tensor: "head.fc_feature\(i).weight", axis: 0))
                rules.append(SizeRule(key: "embedding_size", position: nil, tensor: "head.fc_feature\(i).weight", axis: 1))
                rules.append(SizeRule(key: "lstm_size", position: nil, tensor: "head.bi_lstm\(i).weight_hh_l0", axis: 1))
            }
            rules.append(SizeRule(key: "fc_sizes", position: 0, tensor: "head.fc_out1.weight", axis: 1))
            rules.append(SizeRule(key: "fc_sizes", position: 1, tensor: "head.fc_out2.weight", axis: 1))
            rules.append(SizeRule(key: "num_classes", position: nil, tensor: "head.fc_logit.weight", axis: 1))
        case .attentionCluster:
            for i in 0..<modalities {
                rules.append(SizeRule(key: "cluster_nums", position: i, tensor: "satt\(i).conv.weight", axis: 0))
                rules.append(SizeRule(key: "feature_dims", position: i, tensor: "satt\(i).conv.weight", axis: 1))
            }
            rules.append(SizeRule(key: "fc_sizes", position: 0, tensor: "fc1.weights", axis: 1))
            rules.append(SizeRule(key: "fc_sizes", position: 1, tensor: "fc2.weights", axis: 1))
            rules.append(SizeRule(key: "num_classes", position: nil, tensor: "logistic.weights", axis: 1))
        }
        return rules
    }
}
