// PaddleVideoFeatures: PaddleVideo/YouTube-8M feature pickles (spec §1.3, §2.1): a per-video dict or a tf2pkl shard.
import Foundation
import Tensor

/// Reads and writes PaddleVideo's feature pickles (`video`, `feature`, `audio`, `label`, `nframes`).
public enum PaddleVideoFeatures {
    /// Every video in the pickle at `url`: a single dict yields one record, a list of dicts (a tf2pkl shard) many.
    public static func read(contentsOf url: URL) throws -> [FeatureRecord] {
        try records(from: try Unpickler.load(contentsOf: url), path: url.path)
    }

    static func records(from root: PickleValue, path: String) throws -> [FeatureRecord] {
        switch root {
        case .dict: return [try record(root, path: path, index: nil)]
        case .list(let items), .tuple(let items):
            return try items.enumerated().map { try record($0.element, path: path, index: $0.offset) }
        default:
            throw FormatError.malformed(path, "a feature pickle holds a dict or a list of dicts, not a \(root.typeName)")
        }
    }

    /// One video's dict; keys may be `str` or `bytes`. uint8 features are dequantised, float features kept.
    static func record(_ value: PickleValue, path: String, index: Int?) throws -> FeatureRecord {
        let place = index.map { "video #\($0)" } ?? "video"
        guard value.entries != nil else { throw FormatError.malformed(path, "\(place) is a \(value.typeName), not a dict") }
        let id = value["video"]?.text ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let where_ = "\(place) \(id)"
        guard let rgbValue = value["feature"] ?? value["rgb"] else {
            throw FormatError.malformed(path, "\(where_) has no 'feature' array")
        }
        var nframes: Int?
        if let n = value["nframes"] {
            nframes = try integer(n, "nframes", where_, path)
            guard let count = nframes, count >= 0 else { throw FormatError.malformed(path, "\(where_): nframes is negative") }
        }
        let rgb = try matrix(rgbValue, "feature", where_, path, rows: nframes)
        let audio = try value["audio"].map { try matrix($0, "audio", where_, path, rows: nframes) } ?? Tensor(zeros: [0, 0])
        var labels: [Int] = []
        if let label = value["label"] ?? value["labels"] {
            switch label {
            case .list(let items), .tuple(let items): labels = try items.map { try integer($0, "label", where_, path) }
            case .array(let array):
                guard let values = array.integers() else { throw FormatError.malformed(path, "\(where_): labels are not integers") }
                labels = values
            default: labels = [try integer(label, "label", where_, path)]
            }
        }
        return FeatureRecord(id: id, rgb: rgb, audio: audio, labels: labels)
    }

    static func integer(_ value: PickleValue, _ field: String, _ where_: String, _ path: String) throws -> Int {
        switch value {
        case .int(let i): return i
        case .array(let a) where a.count == 1: if let i = a.integers()?.first { return i }
        default: break
        }
        throw FormatError.malformed(path, "\(where_): \(field) is a \(value.typeName), not an integer")
    }

    /// A [rows, D] feature matrix, its first `rows` rows kept (PaddleVideo's `feature[0:nframes]`).
    static func matrix(_ value: PickleValue, _ field: String, _ where_: String, _ path: String, rows: Int?) throws -> Tensor {
        guard case .array(let array) = value else {
            throw FormatError.malformed(path, "\(where_): \(field) is a \(value.typeName), not a numpy array")
        }
        guard array.shape.count == 2 else {
            throw FormatError.malformed(path, "\(where_): \(field) has shape \(array.shape), not [frames, dimension]")
        }
        let keep = min(array.shape[0], rows ?? array.shape[0])
        let dimension = array.shape[1]
        if array.dtype == .uint8 {
            return Quantization.tensor(array.data.prefix(keep * dimension), rows: keep, dimension: dimension)
        }
        guard array.dtype.kind == "f" else {
            throw FormatError.malformed(path, "\(where_): \(field) has dtype \(array.dtype), not uint8 or float")
        }
        return Tensor(shape: [keep, dimension], scalars: Array(array.floats().prefix(keep * dimension)))
    }

    // MARK: - Writing

    /// The PaddleVideo per-video dict for `record`: uint8-quantised (as YouTube-8M) or float32 features.
    static func pickleValue(_ record: FeatureRecord, quantized: Bool) throws -> PickleValue {
        func array(_ tensor: Tensor, _ field: String) throws -> PickleValue {
            guard tensor.shape.count == 2 else {
                throw FormatError(.usage, path: record.id, "\(field) must be [frames, dimension], not \(tensor.shape)")
            }
            if quantized {
                return .array(try NumpyArray(dtype: .uint8, shape: tensor.shape, data: Data(tensor.scalars.map(Quantization.quantize)), path: record.id))
            }
            let bytes = tensor.scalars.withUnsafeBytes { Data($0) }
            return .array(try NumpyArray(dtype: .float32, shape: tensor.shape, data: bytes, path: record.id))
        }
        let nframes = Int32(clamping: record.rgb.shape.first ?? 0)
        let nframesBytes = withUnsafeBytes(of: nframes.littleEndian) { Data($0) }
        return .dict([
            PickleEntry(.string("video"), .bytes(Data(record.id.utf8))),
            PickleEntry(.string("feature"), try array(record.rgb, "rgb")),
            PickleEntry(.string("audio"), try array(record.audio, "audio")),
            PickleEntry(.string("label"), .list(record.labels.map { .int($0) })),
            PickleEntry(.string("nframes"), .array(try NumpyArray(dtype: .int32, shape: [], data: nframesBytes, path: record.id))),
        ])
    }

    /// Writes one video as PaddleVideo's per-video pickle (protocol 2, as split_yt8m.py), or several as a shard list.
    public static func write(_ records: [FeatureRecord], to url: URL, quantized: Bool = true) throws {
        let values = try records.map { try pickleValue($0, quantized: quantized) }
        let root: PickleValue = values.count == 1 ? values[0] : .list(values)
        try writeOutputFile(try PickleWriter.encode(root, protocol: 2), to: url)
    }
}
