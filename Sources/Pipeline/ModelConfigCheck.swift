// A config's model sizes only check the weights (docs/architecture.md): a disagreement names the tensor and both shapes.
import Models
import Tensor

/// Compares a config's `model:` sizes with the weights' shapes.
enum ModelConfigCheck {
    /// One configured size: the tensor it must match, on which axis, and the config key it came from.
    private struct Rule {
        let key: String
        let value: Int?
        let tensor: String
        let axis: Int
    }

    /// Fails with a usage error when a size in `config` disagrees with the tensor in `weights` that carries it.
    static func check(_ config: ModelConfig, weights: [String: Tensor]) throws {
        var rules: [Rule] = []
        func dims(_ values: [Int]?, _ i: Int) -> Int? { values.flatMap { $0.indices.contains(i) ? $0[i] : nil } }
        if weights["head.fc_logit.weight"] != nil {
            for i in 0..<2 {
                rules.append(Rule(key: "feature_dims", value: dims(config.featureDims, i), tensor: "head.fc_feature\(i).weight", axis: 0))
                rules.append(Rule(key: "embedding_size", value: config.embeddingSize, tensor: "head.fc_feature\(i).weight", axis: 1))
                rules.append(Rule(key: "lstm_size", value: config.lstmSize, tensor: "head.bi_lstm\(i).weight_hh_l0", axis: 1))
            }
            rules.append(Rule(key: "fc_sizes", value: dims(config.fcSizes, 0), tensor: "head.fc_out1.weight", axis: 1))
            rules.append(Rule(key: "fc_sizes", value: dims(config.fcSizes, 1), tensor: "head.fc_out2.weight", axis: 1))
            rules.append(Rule(key: "num_classes", value: config.numClasses, tensor: "head.fc_logit.weight", axis: 1))
        } else {
            for i in 0..<2 {
                rules.append(Rule(key: "cluster_nums", value: dims(config.clusterNums, i), tensor: "satt\(i).conv.weight", axis: 0))
                rules.append(Rule(key: "feature_dims", value: dims(config.featureDims, i), tensor: "satt\(i).conv.weight", axis: 1))
            }
            rules.append(Rule(key: "fc_sizes", value: dims(config.fcSizes, 0), tensor: "fc1.weights", axis: 1))
            rules.append(Rule(key: "fc_sizes", value: dims(config.fcSizes, 1), tensor: "fc2.weights", axis: 1))
            rules.append(Rule(key: "num_classes", value: config.numClasses, tensor: "logistic.weights", axis: 1))
        }
        for rule in rules {
            guard let value = rule.value, let shape = weights[rule.tensor]?.shape, shape.indices.contains(rule.axis),
                shape[rule.axis] != value
            else { continue }
            var expected = shape
            expected[rule.axis] = value
            throw PipelineError.usage(
                "config model.\(rule.key) disagrees with the weights: tensor \(rule.tensor) has shape \(shape), the config implies \(expected)")
        }
    }
}
