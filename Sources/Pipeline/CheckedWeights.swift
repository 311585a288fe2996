// One way to load a model's weights for inference, shared by `vigil predict`/`classify` (Predictor) and `vigil watch`.
import Formats
import Foundation
import Models

/// A weights file whose model type is known and whose shapes agree with a config's `model:` sizes.
struct CheckedWeights {
    let file: WeightFile
    let type: ModelKind
    let url: URL

    /// Loads `url`; fails if it holds neither model, or if `model` (a config's section) disagrees with it. The
    /// tensors are then laid out for inference (`ModelKind.layOutForInference`): every model made from them only infers.
    init(_ url: URL, model: ModelConfig?) throws {
        var file = try loadWeights(url)
        guard let type = ModelKind.of(tensors: file.tensors, metadata: file.metadata) else {
            throw PipelineError.unusableInput(path: url.path, reason: "the weights are neither AttentionLSTM's nor AttentionCluster's")
        }
        if let configured = model?.type, configured.rawValue != type.rawValue {
            throw PipelineError.usage("config model.type \(configured.rawValue) disagrees with the weights \(url.path), which are \(type.rawValue)")
        }
        if let model { try ModelConfigCheck.check(model, kind: type, weights: file.tensors) }
        try type.layOutForInference(&file.tensors)
        (self.file, self.type, self.url) = (file, type, url)
    }

    /// Class names from `override` when given, else from the weights' metadata.
    func labels(_ override: URL?) throws -> LabelMap? {
        try override.map(LabelMap.load) ?? file.labelMap(path: url.path)
    }

    /// The model these weights make, with AttentionCluster's inference dropout rate (`dropRate`) applied.
    func model(_ config: ModelConfig?) throws -> any FeatureClassifier {
        let model = try type.make(weights: file.tensors)
        if type == .attentionCluster, let rate = dropRate(config) { model.dropoutRate = rate }
        return model
    }

    /// AttentionCluster's inference scales by 1 − drop_rate (downgrade_in_infer): the rate trained with, stored in
    /// the weights, else the config's.
    func dropRate(_ model: ModelConfig?) -> Float? {
        file.metadata["drop_rate"].flatMap(Float.init) ?? model?.dropRate.map(Float.init)
    }
}
