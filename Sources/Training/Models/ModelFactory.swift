// The model a weights file makes, by type name (until the model catalogue in Models takes this over).
import Models
import Tensor

/// Builds the model named by `type` from weights keyed by Paddle's names.
public func makeFeatureClassifier(type: String, weights: [String: Tensor]) throws -> any FeatureClassifier {
    switch type {
    case AttentionLSTM.modelType: try AttentionLSTM(weights: weights)
    case AttentionCluster.modelType: try AttentionCluster(weights: weights)
    default: throw TrainingError.usage("unknown model type '\(type)' (expected attention_lstm or attention_cluster)")
    }
}
