// FeatureFiles: one entry point that reads (by content) or writes (by extension) any feature file Vigil knows.
import Foundation

/// Every video in the feature file at `url`, whatever its format: a PaddleVideo pickle (first byte 0x80),
/// a YouTube-8M frame-level TFRecord (its first length CRC checks), or a safetensors file.
public func readFeatureRecords(_ url: URL) throws -> [FeatureRecord] {
    let data = try readInputFile(url)
    let path = url.path
    // The framed formats first: a TFRecord's or safetensors file's length may start with 0x80, a pickle's first byte.
    if TFRecord.looksLike(data) {
        return try YouTube8MRecords.records(from: data, path: path)
    }
    if Safetensors.looksLike(data) {
        return [try SafetensorsFeatures.record(try Safetensors.read(data, path: path), path: path)]
    }
    if data.first == 0x80 {
        return try PaddleVideoFeatures.records(from: try Unpickler.load(data, path: path), path: path)
    }
    throw FormatError.malformed(path, "not a feature file (neither a pickle, a safetensors file nor a TFRecord)")
}

/// Writes `records` in the format `url`'s extension names: `.pkl` (PaddleVideo, uint8-quantised unless
/// `quantized` is false), `.tfrecord` (YouTube-8M frame level, uint8), `.safetensors` (one video, Float32).
public func writeFeatureRecords(_ records: [FeatureRecord], to url: URL, quantized: Bool = true) throws {
    switch url.pathExtension.lowercased() {
    case "pkl", "pickle":
        try PaddleVideoFeatures.write(records, to: url, quantized: quantized)
    case "tfrecord", "tfrecords":
        try YouTube8MRecords.write(records, to: url)
    case "safetensors":
        guard records.count == 1, let record = records.first else {
            throw FormatError(.usage, path: url.path, "a features .safetensors file holds exactly one video, not \(records.count)")
        }
        try SafetensorsFeatures.write(record, to: url)
    default:
        throw FormatError(.usage, path: url.path, "unknown feature file extension '.\(url.pathExtension)' (use .pkl, .tfrecord or .safetensors)")
    }
}
