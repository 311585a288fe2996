// SafetensorsFeatures: one video's features as Vigil's `vigil extract -o x.safetensors` writes them.
import Foundation
import Tensor

/// A video as safetensors: tensors `rgb` [T, Drgb], `audio` [T', Daudio], optional `timestamps` [T];
/// `__metadata__` keys `id` and `labels` (a JSON array of class indices).
public enum SafetensorsFeatures {
    public static func read(contentsOf url: URL) throws -> FeatureRecord {
        try record(try Safetensors.read(try readInputFile(url), path: url.path), path: url.path)
    }

    static func record(_ file: (tensors: [String: Tensor], metadata: [String: String]), path: String) throws -> FeatureRecord {
        func matrix(_ name: String) throws -> Tensor {
            guard let tensor = file.tensors[name] else { throw FormatError.malformed(path, "no '\(name)' tensor") }
            guard tensor.shape.count == 2 else {
                throw FormatError.malformed(path, "tensor \(name) has shape \(tensor.shape), not [frames, dimension]")
            }
            return tensor
        }
        let rgb = try matrix("rgb")
        let audio = file.tensors["audio"] == nil ? Tensor(zeros: [0, 0]) : try matrix("audio")
        var timestamps: [Float]?
        if let t = file.tensors["timestamps"] {
            guard t.shape == [rgb.shape[0]] else {
                throw FormatError.malformed(path, "tensor timestamps has shape \(t.shape), expected [\(rgb.shape[0])]")
            }
            timestamps = t.scalars
        }
        var labels: [Int] = []
        if let text = file.metadata["labels"] {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Int] else {
                throw FormatError.malformed(path, "metadata labels is not a JSON array of integers")
            }
            labels = parsed
        }
        let id = file.metadata["id"] ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return FeatureRecord(id: id, rgb: rgb, audio: audio, labels: labels, timestamps: timestamps)
    }

    /// The safetensors bytes for `record`.
    public static func encode(_ record: FeatureRecord) throws -> Data {
        var tensors = ["rgb": record.rgb, "audio": record.audio]
        if let t = record.timestamps { tensors["timestamps"] = Tensor(shape: [t.count], scalars: t) }
        let labels = String(decoding: try JSONSerialization.data(withJSONObject: record.labels), as: UTF8.self)
        return try Safetensors.encode(tensors, metadata: ["id": record.id, "labels": labels, "format": "vigil-features"])
    }

    public static func write(_ record: FeatureRecord, to url: URL) throws {
        try writeOutputFile(try encode(record), to: url)
    }
}
