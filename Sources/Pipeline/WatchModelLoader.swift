// Loads the watch model once: weights file, model type, label names, seg_num.
import Formats
import Foundation

/// Reads the weights and labels a watch uses.
enum WatchModelLoader {
    /// The model from `weights` (else the pipeline's `model.weights`), its type from the pipeline or the weights,
    /// labels from `labels`, the pipeline's `model.labels`, or the weights' metadata.
    static func load(config: PipelineConfig, weights: URL?, labels: URL?, segNum: Int?) throws -> WatchModel {
        guard let weightsURL = weights ?? config.model.weights else {
            throw PipelineError.usage("vigil watch: no weights (give --weights, or a --pipeline with model.weights)")
        }
        let file = try loadWeights(weightsURL)
        let type = config.model.type.map { $0.rawValue } ?? file.modelType?.rawValue
        let labelMap = try (labels ?? config.model.labels).map(LabelMap.load) ?? file.labelMap(path: weightsURL.path)
        let names = (labelMap?.names ?? []).enumerated().map { $1 ?? String($0) }
        switch type {
        case ModelConfig.Kind.attentionCluster.rawValue:
            let picks = segNum ?? config.sampling.segNum ?? 100
            guard picks > 0 else { throw PipelineError.usage("vigil watch: --seg-num must be positive, got \(picks)") }
            return WatchModel(kind: .attentionCluster(segNum: picks), weights: file.tensors, labels: names)
        case ModelConfig.Kind.attentionLSTM.rawValue:
            return WatchModel(kind: .attentionLSTM, weights: file.tensors, labels: names)
        default:
            throw PipelineError.usage("\(weightsURL.path): cannot tell the model type (set model.type in the pipeline)")
        }
    }
}
