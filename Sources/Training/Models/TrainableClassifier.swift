// TrainableClassifier: the two models as the trainer sees them (training contract + batched inference).
import Models
import Tensor

/// A model the trainer can fit and evaluate: `TrainableModel` plus inference logits for a batch.
public protocol TrainableClassifier: TrainableModel {
    /// Inference logits [B, K] (no dropout; AttentionCluster applies its ×(1−p) scale).
    func logits(_ batch: FeatureBatch) throws -> Tensor
    /// K, the number of classes (logit width).
    var classCount: Int { get }
    /// The dropout probability `forwardTraining` applies (each model keeps its own convention).
    var dropoutRate: Float { get set }
}

extension AttentionLSTM: TrainableClassifier {
    public var classCount: Int { sizes.classes }
}

extension AttentionCluster: TrainableClassifier {
    public var classCount: Int { sizes.classes }
}

/// Builds the model named by `type` from weights keyed by Paddle's names.
public func makeTrainableClassifier(type: String, weights: [String: Tensor]) throws -> any TrainableClassifier {
    switch type {
    case AttentionLSTM.modelType: try AttentionLSTM(weights: weights)
    case AttentionCluster.modelType: try AttentionCluster(weights: weights)
    default: throw TrainingError.usage("unknown model type '\(type)' (expected attention_lstm or attention_cluster)")
    }
}
