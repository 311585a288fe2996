// ModelBlueprint (the catalogue): the sizes of a model to train from scratch, and its freshly initialised weights, keyed by
// PaddlePaddle's names with Paddle's initialisers (spec §2.5 for AttentionLSTM, §3.4 for AttentionCluster).
import Foundation
import Tensor

/// What to build when no weights exist yet: the model type and its widths (the pipeline YAML's `model:` block).
public struct ModelBlueprint: Codable, Equatable, Sendable {
    /// `attention_lstm` or `attention_cluster`.
    public var type: String
    /// K, the number of classes.
    public var classes: Int
    /// Feature widths per modality, 1…k of them (PaddleVideo's `feature_dims`; `feature_names` order: rgb, audio, …).
    public var featureDims: [Int]
    /// fc widths: AttentionLSTM fc_out1/fc_out2, AttentionCluster fc1/fc2.
    public var fcSizes: [Int]
    /// AttentionLSTM: embedding width E.
    public var embeddingSize: Int
    /// AttentionLSTM: LSTM width H per direction.
    public var lstmSize: Int
    /// AttentionCluster: attention clusters per modality (one per `featureDims` entry).
    public var clusterNums: [Int]

    enum CodingKeys: String, CodingKey {
        case type, classes = "num_classes", featureDims = "feature_dims", fcSizes = "fc_sizes"
        case embeddingSize = "embedding_size", lstmSize = "lstm_size", clusterNums = "cluster_nums"
    }

    /// A blueprint; sizes not given take the published models' values for `type`.
    public init(
        type: String, classes: Int, featureDims: [Int] = [1024, 128], fcSizes: [Int]? = nil, embeddingSize: Int = 512,
        lstmSize: Int = 1024, clusterNums: [Int] = [32, 32]
    ) {
        self.type = type
        self.classes = classes
        self.featureDims = featureDims
        self.fcSizes = fcSizes ?? (type == AttentionLSTM.modelType ? [8192, 4096] : [1024, 4096])
        self.embeddingSize = embeddingSize
        self.lstmSize = lstmSize
        self.clusterNums = clusterNums
    }

    /// The catalogue's kind of `type`; fails for an unknown type.
    public func kind() throws -> ModelKind {
        guard let kind = ModelKind(rawValue: type) else {
            throw ModelError.usage("unknown model type '\(type)' (expected attention_lstm or attention_cluster)")
        }
        return kind
    }

    /// Fails unless the type is known and every size is positive.
    public func validate() throws {
        _ = try kind()
        let sizes = [classes, embeddingSize, lstmSize] + featureDims + fcSizes + clusterNums
        guard !featureDims.isEmpty, fcSizes.count == 2, sizes.allSatisfy({ $0 > 0 }) else {
            throw ModelError.usage("model sizes must be positive, with one or more feature_dims and two fc_sizes")
        }
        guard type != AttentionCluster.modelType || clusterNums.count == featureDims.count else {
            throw ModelError.usage(
                "model.cluster_nums has \(clusterNums.count) entries, feature_dims \(featureDims.count): one per modality")
        }
    }

    /// The model `weights` make (the catalogue's `ModelKind.make`).
    public func makeModel(weights: [String: Tensor]) throws -> any FeatureClassifier {
        try kind().make(weights: weights)
    }

    /// Freshly initialised weights keyed by Paddle's names, drawn from `rng`.
    public func initialWeights<R: RandomNumberGenerator>(using rng: inout R) -> [String: Tensor] {
        type == AttentionLSTM.modelType ? attentionLSTMWeights(using: &rng) : attentionClusterWeights(using: &rng)
    }

    private func attentionLSTMWeights<R: RandomNumberGenerator>(using rng: inout R) -> [String: Tensor] {
        var weights: [String: Tensor] = [:]
        let (e, h) = (embeddingSize, lstmSize)
        for (i, d) in featureDims.enumerated() {
            weights["head.fc_feature\(i).weight"] = Initializer.xavierUniform([d, e], using: &rng)
            weights["head.fc_feature\(i).bias"] = Tensor(zeros: [e])
            let bound = 1 / Float(h).squareRoot()
            for suffix in ["", "_reverse"] {
                for (name, shape) in [("weight_ih", [4 * h, e]), ("weight_hh", [4 * h, h]), ("bias_ih", [4 * h]), ("bias_hh", [4 * h])] {
                    weights["head.bi_lstm\(i).\(name)_l0\(suffix)"] = Initializer.uniform(shape, bound: bound, using: &rng)
                }
            }
            weights["head.att_fc\(i).weight"] = Initializer.xavierUniform([2 * h, 1], using: &rng)
            weights["head.att_fc\(i).bias"] = Tensor(zeros: [1])
        }
        let widths = [2 * h * featureDims.count] + fcSizes + [classes]
        for (layer, name) in ["fc_out1", "fc_out2", "fc_logit"].enumerated() {
            weights["head.\(name).weight"] = Initializer.xavierUniform([widths[layer], widths[layer + 1]], using: &rng)
            weights["head.\(name).bias"] = Initializer.normal([widths[layer + 1]], standardDeviation: 1, using: &rng)
        }
        return weights
    }

    private func attentionClusterWeights<R: RandomNumberGenerator>(using rng: inout R) -> [String: Tensor] {
        var weights: [String: Tensor] = [:]
        for (i, (f, c)) in zip(featureDims, clusterNums).enumerated() {
            weights["satt\(i).conv.weight"] = Initializer.msraNormal([c, f, 1, 1], fanIn: f, using: &rng)
            weights["satt\(i).conv.bias"] = Initializer.msraUniform([c], fanIn: c, using: &rng)
            let shiftDeviation = (1 / Float(c).squareRoot()).squareRoot()
            weights["satt\(i).shift_w"] = Initializer.normal([c], standardDeviation: shiftDeviation, using: &rng)
            weights["satt\(i).shift_b"] = Initializer.normal([c], standardDeviation: shiftDeviation, using: &rng)
        }
        let pooled = zip(featureDims, clusterNums).reduce(0) { $0 + $1.0 * $1.1 }
        let widths = [pooled] + fcSizes + [classes]
        for (layer, name) in ["fc1", "fc2", "logistic"].enumerated() {
            let (fanIn, out) = (widths[layer], widths[layer + 1])
            weights["\(name).weights"] = Initializer.msraNormal([fanIn, out], fanIn: fanIn, using: &rng)
            weights["\(name).bias"] = name == "logistic"
                ? Initializer.msraNormal([out], fanIn: out, using: &rng) : Initializer.msraUniform([out], fanIn: out, using: &rng)
        }
        return weights
    }
}

/// Paddle's initialisers: XavierUniform, Uniform, Normal, MSRA normal/uniform (fan_in as Paddle computes it).
enum Initializer {
    static func uniform<R: RandomNumberGenerator>(_ shape: [Int], bound: Float, using rng: inout R) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in Float.random(in: -bound...bound, using: &rng) })
    }

    /// ±√(6 / (fan_in + fan_out)) with a [in, out] weight.
    static func xavierUniform<R: RandomNumberGenerator>(_ shape: [Int], using rng: inout R) -> Tensor {
        uniform(shape, bound: (6 / Float(shape[0] + shape[1])).squareRoot(), using: &rng)
    }

    static func msraUniform<R: RandomNumberGenerator>(_ shape: [Int], fanIn: Int, using rng: inout R) -> Tensor {
        uniform(shape, bound: (6 / Float(fanIn)).squareRoot(), using: &rng)
    }

    static func msraNormal<R: RandomNumberGenerator>(_ shape: [Int], fanIn: Int, using rng: inout R) -> Tensor {
        normal(shape, standardDeviation: (2 / Float(fanIn)).squareRoot(), using: &rng)
    }

    /// N(0, σ²) by Box–Muller.
    static func normal<R: RandomNumberGenerator>(_ shape: [Int], standardDeviation: Float, using rng: inout R) -> Tensor {
        let count = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            scalars[i] = Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)) * standardDeviation
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
