// YouTube8MRecords: YouTube-8M frame-level tf.SequenceExample records (spec §1.1) ↔ FeatureRecord.
import Foundation
import SwiftProtobuf
import Tensor

/// Reads and writes YouTube-8M frame-level TFRecords: context `id` (bytes) and `labels` (int64), feature lists
/// `rgb` and `audio` with one uint8 bytes value per frame.
public enum YouTube8MRecords {
    public static func read(contentsOf url: URL) throws -> [FeatureRecord] {
        try records(from: try readInputFile(url), path: url.path)
    }

    static func records(from data: Data, path: String) throws -> [FeatureRecord] {
        try TFRecord.records(data, path: path).enumerated().map { index, payload in
            let example: Tensorflow_SequenceExample
            do {
                example = try Tensorflow_SequenceExample(serializedBytes: payload)
            } catch {
                throw FormatError.malformed(path, "record \(index) is not a tf.SequenceExample (\(error))")
            }
            return try record(example, path: path, index: index)
        }
    }

    static func record(_ example: Tensorflow_SequenceExample, path: String, index: Int) throws -> FeatureRecord {
        let context = example.context.feature
        let id = context["id"]?.bytesList.value.first.map { String(decoding: $0, as: UTF8.self) } ?? "\(index)"
        let labels = try (context["labels"]?.int64List.value ?? []).map { label -> Int in
            guard let value = Int(exactly: label) else { throw FormatError.malformed(path, "video \(id): label \(label)") }
            return value
        }
        let lists = example.featureLists.featureList
        guard let rgb = lists["rgb"] else { throw FormatError.malformed(path, "video \(id) has no 'rgb' feature list") }
        return FeatureRecord(id: id, rgb: try frames(rgb, "rgb", id, path),
                             audio: try lists["audio"].map { try frames($0, "audio", id, path) } ?? Tensor(zeros: [0, 0]),
                             labels: labels)
    }

    /// One uint8 bytes value per frame, all of one length → dequantised [frames, dimension].
    static func frames(_ list: Tensorflow_FeatureList, _ name: String, _ id: String, _ path: String) throws -> Tensor {
        var bytes: [UInt8] = []
        var dimension: Int?
        for (row, feature) in list.feature.enumerated() {
            guard case .bytesList(let values)? = feature.kind, values.value.count == 1 else {
                throw FormatError.malformed(path, "video \(id): \(name) frame \(row) is not one bytes value")
            }
            let frame = values.value[0]
            guard dimension == nil || dimension == frame.count else {
                throw FormatError.malformed(path, "video \(id): \(name) frame \(row) has \(frame.count) values, frame 0 has \(dimension ?? 0)")
            }
            dimension = frame.count
            bytes.append(contentsOf: frame)
        }
        return Quantization.tensor(bytes, rows: list.feature.count, dimension: dimension ?? 0)
    }

    static func example(_ record: FeatureRecord) throws -> Tensorflow_SequenceExample {
        var example = Tensorflow_SequenceExample()
        var id = Tensorflow_Feature()
        id.bytesList.value = [Data(record.id.utf8)]
        var labels = Tensorflow_Feature()
        labels.int64List.value = record.labels.map(Int64.init)
        example.context.feature = ["id": id, "labels": labels]
        for (name, tensor) in [("rgb", record.rgb), ("audio", record.audio)] {
            guard tensor.shape.count == 2 else {
                throw FormatError(.usage, path: record.id, "\(name) must be [frames, dimension], not \(tensor.shape)")
            }
            let dimension = tensor.shape[1]
            var list = Tensorflow_FeatureList()
            list.feature = (0..<tensor.shape[0]).map { row in
                var frame = Tensorflow_Feature()
                frame.bytesList.value = [Data(tensor.scalars[(row * dimension)..<((row + 1) * dimension)].map(Quantization.quantize))]
                return frame
            }
            example.featureLists.featureList[name] = list
        }
        return example
    }

    /// The TFRecord bytes for `records`, uint8-quantised as YouTube-8M's.
    public static func encode(_ records: [FeatureRecord]) throws -> Data {
        var out = Data()
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true  // map entries sorted by key: the same records give the same bytes
        for record in records {
            let payload: Data = try example(record).serializedBytes(options: options)
            out.append(TFRecord.frame(payload))
        }
        return out
    }

    public static func write(_ records: [FeatureRecord], to url: URL) throws {
        try writeOutputFile(try encode(records), to: url)
    }
}
