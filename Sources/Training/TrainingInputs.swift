// TrainingInputs: builds what `vigil train` and `vigil eval` run from files — label names, a fresh or resumed
// model with its trainer and session, an evaluator for saved weights.
import Formats
import Foundation
import Models
import Tensor

/// Turns paths and settings into ready training sessions and evaluators.
public enum TrainingInputs {
    /// A session that trains `blueprint` (freshly initialised from the seed, or continued from `resume`).
    public static func session(
        blueprint: ModelBlueprint, settings: TrainingSettings, labels: LabelMap?, train: FeatureDataset,
        valid: FeatureDataset?, output: URL, latest: URL? = nil, resume: URL?
    ) throws -> TrainingSession {
        try blueprint.validate()
        var isDirectory: ObjCBool = false
        for file in [output, latest].compactMap({ $0 }) {
            let directory = file.deletingLastPathComponent()
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TrainingError.writeFailed(path: file.path, reason: "no such directory \(directory.path)")
            }
        }
        let (options, epochs) = try settings.resolved(for: blueprint.type)
        try train.validate(classes: blueprint.classes, featureDims: blueprint.featureDims)
        try valid?.validate(classes: blueprint.classes, featureDims: blueprint.featureDims)
        var metadata = CheckpointMetadata(
            blueprint: blueprint, labels: labels, segments: options.sampling?.segments, dropRate: settings.dropRate.map(Float.init))
        let weights: [String: Tensor]
        var optimizerState: [String: [Float]]?
        if let resume {
            let file = try loadWeights(resume)
            guard let saved = try CheckpointMetadata(file, path: resume.path), saved.blueprint == blueprint else {
                throw TrainingError.usage("\(resume.path): not a checkpoint of this config's model (type and sizes must match)")
            }
            (metadata.epochsCompleted, metadata.bestHitAtOne) = (saved.epochsCompleted, saved.bestHitAtOne)
            weights = file.tensors
            optimizerState = try Checkpoint.optimizerState(beside: resume, kind: options.optimizer, epochsCompleted: saved.epochsCompleted)
        } else {
            var rng = SplitMix64(seed: options.seed).derived(.max)
            weights = blueprint.initialWeights(using: &rng)
        }
        var model = try blueprint.makeModel(weights: weights)
        if let rate = settings.dropRate { model.dropoutRate = Float(rate) }
        let trainer = Trainer(model: model, options: options)
        if let optimizerState { trainer.optimizerState = optimizerState }
        return TrainingSession(
            trainer: trainer, train: train, valid: valid, output: output, latest: latest, metadata: metadata, epochs: epochs)
    }

    /// An evaluator for the weights at `url`; the model type comes from the file (or `modelType`), AttentionCluster's
    /// rows per video from `segments`, else the checkpoint, else 100, and the dropout rate (AttentionCluster's
    /// inference scale) from `dropRate`, else the checkpoint, else 0.5.
    public static func evaluator(weights url: URL, modelType: String?, segments: Int?, dropRate: Double? = nil) throws -> Evaluator {
        var file = try loadWeights(url)
        guard let type = ModelKind.of(tensors: file.tensors, metadata: file.metadata) ?? modelType.flatMap(ModelKind.init) else {
            throw TrainingError.usage("\(url.path): cannot tell the model type; pass --config with model.type")
        }
        try type.layOutForInference(&file.tensors)  // the evaluator only infers
        var model = try type.make(weights: file.tensors)
        let saved = try CheckpointMetadata(file, path: url.path)
        if let rate = dropRate.map(Float.init) ?? saved?.dropRate { model.dropoutRate = rate }
        let rows = segments ?? saved?.segments ?? ModelKind.defaultSegNum
        return Evaluator(model: model, sampling: type == .attentionCluster ? SegmentSampling(segments: rows) : nil)
    }
}
