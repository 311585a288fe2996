// WeightFile: model parameters by PaddlePaddle name, whatever file they came from.
import Foundation
import Tensor

/// The container a weight file was read from.
public enum WeightFileFormat: String, Sendable {
    /// A pickled dict (`paddle.save`, `fluid.save`), usually `.pdparams`.
    case pickle
    /// PaddlePaddle's binary save_combine layout (`.pdiparams`, 1.6's `.pdparams`).
    case saveCombine = "save_combine"
    /// A `.safetensors` file (Vigil's own weights).
    case safetensors
}

/// Parameters keyed by PaddlePaddle's names (spec §2.5 / §3.4), plus file metadata. Which model they make is the
/// catalogue's business (Models' `ModelKind.of(tensors:metadata:)`), not this module's.
public struct WeightFile: Sendable {
    /// Every parameter, once: AttentionLSTM's `…0.cell_fw/bw…` aliases are folded into `…_l0[_reverse]`.
    public var tensors: [String: Tensor]
    /// String metadata (safetensors `__metadata__`: `model_type`, `config`, `label_names`); empty for Paddle files.
    public var metadata: [String: String]
    public var format: WeightFileFormat

    public init(tensors: [String: Tensor], metadata: [String: String] = [:], format: WeightFileFormat) {
        self.tensors = tensors
        self.metadata = metadata
        self.format = format
    }
}

/// Loads weights from `url`, whatever the format: a pickle `.pdparams` (first byte 0x80), a `.safetensors` file, or
/// (given `saveCombineNames`, the parameter names in file order) PaddlePaddle's save_combine layout.
/// A directory is read as PaddleCV 1.5's `fluid.io.load_params` layout: one file per parameter, named after it.
public func loadWeights(_ url: URL, saveCombineNames: [String]? = nil) throws -> WeightFile {
    try InputFile.requireLocal(url)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        return WeightFile(tensors: try SaveCombine.readDirectory(url), format: .saveCombine)
    }
    let file = try MappedFile(url)
    let data = file.data
    let path = url.path
    // Safetensors first: its header length's low byte may be 0x80, a pickle's first byte.
    if Safetensors.looksLike(data) {
        let file = try Safetensors.read(data, path: path, release: file.release)
        return WeightFile(tensors: file.tensors, metadata: file.metadata, format: .safetensors)
    }
    if data.first == 0x80 {
        return try PaddleStateDict.weights(from: try Unpickler.load(data, path: path), path: path, release: file.release)
    }
    guard let names = saveCombineNames else {
        throw FormatError.malformed(
            path, "neither a pickle nor a safetensors file (a save_combine file needs its parameter names)")
    }
    return WeightFile(tensors: try SaveCombine.read(data, names: names, path: path), format: .saveCombine)
}

extension WeightFile {
    /// Metadata keys Vigil writes into its `.safetensors` weights.
    public enum MetadataKey {
        /// `attention_lstm` or `attention_cluster` (written by the caller; Models' `ModelKind` reads it).
        public static let modelType = "model_type"
        /// The model configuration as a JSON object.
        public static let config = "config"
        /// Class names as a JSON array of strings (index = class).
        public static let labelNames = "label_names"
    }

    /// Class names stored in the metadata (`label_names`), if any; malformed JSON is an error naming `path`.
    public func labelMap(path: String) throws -> LabelMap? {
        guard let text = metadata[MetadataKey.labelNames] else { return nil }
        guard let names = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any] else {
            throw FormatError.malformed(path, "metadata label_names is not a JSON array")
        }
        return LabelMap(names: names.map { $0 as? String })
    }

    /// This file with `labels` stored as `label_names` metadata.
    public func withLabelNames(_ labels: LabelMap) throws -> WeightFile {
        var copy = self
        let names = labels.names.map { $0 ?? "" }
        copy.metadata[MetadataKey.labelNames] = String(decoding: try JSONSerialization.data(withJSONObject: names), as: UTF8.self)
        return copy
    }
}

/// Writes `weights` in the format `url`'s extension names: `.safetensors` (F32 with its metadata; the caller sets
/// `model_type`)
/// or `.pdparams` (a pickle `paddle.load` reads; metadata is dropped, as Paddle files have none).
public func saveWeights(_ weights: WeightFile, to url: URL) throws {
    switch url.pathExtension.lowercased() {
    case "safetensors":
        var metadata = weights.metadata
        metadata["format"] = "vigil-weights"
        try Safetensors.write(weights.tensors, metadata: metadata, to: url)
    case "pdparams":
        try PdparamsWriter.write(weights.tensors, to: url)
    default:
        throw FormatError(.usage, path: url.path, "unknown weight file extension '.\(url.pathExtension)' (use .safetensors or .pdparams)")
    }
}
