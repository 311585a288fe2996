// Loads the watch model once: weights file, model type, label names, seg_num; checked as `vigil predict` checks.
import Formats
import Foundation

/// Reads the weights and labels a watch uses.
enum WatchModelLoader {
    /// The model from `settings.weights`, its type from the weights (a pipeline's `model.type` and sizes must
    /// agree with them), labels from `settings.labels` or the weights' metadata.
    static func load(_ settings: PipelineSettings, segNum: Int?) throws -> WatchModel {
        guard let url = settings.weights else {
            throw PipelineError.usage("vigil watch: no weights (give --weights, or a --pipeline with model.weights)")
        }
        let file = try loadWeights(url)
        guard let type = file.modelType else {
            throw PipelineError.unusableInput(path: url.path, reason: "the weights are neither AttentionLSTM's nor AttentionCluster's")
        }
        let config = settings.config
        if let configured = config.model.type, configured.rawValue != type.rawValue {
            throw PipelineError.usage("config model.type \(configured.rawValue) disagrees with the weights \(url.path), which are \(type.rawValue)")
        }
        try ModelConfigCheck.check(config.model, weights: file.tensors)
        let labelMap = try settings.labels.map(LabelMap.load) ?? file.labelMap(path: url.path)
        let names = (labelMap?.names ?? []).enumerated().map { $1 ?? String($0) }
        switch type {
        case .attentionCluster:
            let picks = segNum ?? config.sampling.segNum ?? 100
            guard picks > 0 else { throw PipelineError.usage("--seg-num must be positive, not \(picks)") }
            return WatchModel(kind: .attentionCluster(segNum: picks), weights: file.tensors, labels: names)
        case .attentionLSTM:
            return WatchModel(kind: .attentionLSTM, weights: file.tensors, labels: names)
        }
    }
}
