// A config's model sizes only check the weights (docs/architecture.md): a disagreement names the tensor and both shapes.
import Models
import Tensor

/// Compares a config's `model:` sizes with the weights' shapes, by the catalogue's size rules (`ModelKind.sizeRules`).
enum ModelConfigCheck {
    /// Fails with a usage error when a size in `config` disagrees with the tensor in `weights` that carries it.
    static func check(_ config: ModelConfig, kind: ModelKind, weights: [String: Tensor]) throws {
        let modalities = kind.modalities(in: weights)
        if let dims = config.featureDims, dims.count != modalities {
            throw PipelineError.usage(
                "config model.feature_dims has \(dims.count) entries, the weights have \(modalities) modalities")
        }
        for rule in kind.sizeRules(modalities: modalities) {
            guard let value = value(of: rule, in: config), let shape = weights[rule.tensor]?.shape,
                shape.indices.contains(rule.axis), shape[rule.axis] != value
            else { continue }
            var expected = shape
            expected[rule.axis] = value
            throw PipelineError.usage(
                "config model.\(rule.key) disagrees with the weights: tensor \(rule.tensor) has shape \(shape), the config implies \(expected)")
        }
    }

    /// The configured value a rule checks, if the config gives it.
    private static func value(of rule: ModelKind.SizeRule, in config: ModelConfig) -> Int? {
        func item(_ values: [Int]?) -> Int? {
            guard let values, let position = rule.position, values.indices.contains(position) else { return nil }
            return values[position]
        }
        switch rule.key {
        case "feature_dims": return item(config.featureDims)
        case "cluster_nums": return item(config.clusterNums)
        case "fc_sizes": return item(config.fcSizes)
        case "embedding_size": return config.embeddingSize
        case "lstm_size": return config.lstmSize
        case "num_classes": return config.numClasses
        default: return nil
        }
    }
}
