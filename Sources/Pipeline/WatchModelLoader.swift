// Loads the watch model once: weights file, model type, label names, seg_num; checked as `vigil predict` checks.
import Formats
import Foundation
import Models

/// Reads the weights and labels a watch uses.
enum WatchModelLoader {
    /// The model from `settings.weights`, its type from the weights (a pipeline's `model.type` and sizes must
    /// agree with them), labels from `settings.labels` or the weights' metadata.
    static func load(_ settings: PipelineSettings) throws -> WatchModel {
        guard let url = settings.weights else {
            throw PipelineError.usage("vigil watch: no weights (give --weights, or a --pipeline with model.weights)")
        }
        let config = settings.config
        let weights = try CheckedWeights(url, model: config.model)
        let labelMap = try weights.labels(settings.labels)
        let names = labelMap?.names ?? []
        let picks = settings.segments
        guard weights.type != .attentionCluster || picks > 0 else {
            throw PipelineError.usage("--seg-num must be positive, not \(picks)")
        }
        return WatchModel(
            kind: weights.type, segNum: picks, weights: weights.file.tensors, labels: names,
            dropRate: weights.dropRate(config.model))
    }
}
