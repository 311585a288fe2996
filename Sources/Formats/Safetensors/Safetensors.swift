// Safetensors: the safetensors container (u64 header length, JSON header, one data buffer); read and write.
import Foundation
import Tensor

/// Tensors by name plus a string→string `__metadata__` map; reading memory-maps the file and copies each tensor once.
public enum Safetensors {
    /// The official reader's header limit.
    static let maxHeaderBytes = 100_000_000
    /// Element sizes of the dtypes Vigil converts to Float32.
    static let dtypeSizes: [String: Int] = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "U8": 1, "I8": 1, "I32": 4, "I64": 8]

    /// True if `data` starts like a safetensors file (a plausible header length then `{`).
    static func looksLike(_ data: Data) -> Bool {
        guard data.count >= 10 else { return false }
        var reader = ByteReader(data, path: "")
        guard let length = try? reader.uint64LE("header"), length >= 2, length <= UInt64(data.count - 8) else { return false }
        return data[data.startIndex + 8] == UInt8(ascii: "{")
    }

    /// Tensors and metadata of the safetensors file at `url`.
    public static func read(contentsOf url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try read(try readInputFile(url), path: url.path)
    }

    /// `release` gets each tensor's bytes once they are copied (MappedFile.release).
    static func read(_ data: Data, path: String, release: (Data) -> Void = { _ in }) throws
        -> (tensors: [String: Tensor], metadata: [String: String]) {
        var reader = ByteReader(data, path: path)
        let headerLength = try reader.length(8, "safetensors header")
        guard headerLength <= maxHeaderBytes else {
            throw FormatError.malformed(path, "safetensors header of \(headerLength) bytes exceeds \(maxHeaderBytes)")
        }
        let headerBytes = try reader.bytes(headerLength, "safetensors header")
        let buffer = try reader.bytes(reader.remaining, "safetensors data")
        let header = try SafetensorsHeader(headerBytes, path: path)
        let metadata = header.metadata
        var tensors: [String: Tensor] = [:]
        var spans = try header.entries.map { try span($0, buffer: buffer, path: path) }
        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(spans, spans.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw FormatError.malformed(path, "tensors \(a.name) and \(b.name) overlap in the data buffer")
        }
        for span in spans {
            let raw = buffer[(buffer.startIndex + span.range.lowerBound)..<(buffer.startIndex + span.range.upperBound)]
            tensors[span.name] = try tensor(raw, span, path: path, release: release)
        }
        return (tensors, metadata)
    }

    /// One header entry, checked against the data buffer.
    struct TensorSpan {
        let name: String
        let dtype: String
        let shape: [Int]
        let range: Range<Int>
    }

    static func span(_ entry: SafetensorsEntry, buffer: Data, path: String) throws -> TensorSpan {
        let (name, dtype, shape, offsets) = (entry.name, entry.dtype, entry.shape, entry.offsets)
        guard offsets.count == 2 else { throw FormatError.malformed(path, "tensor \(name): data_offsets must hold two numbers") }
        guard shape.count <= NumpyArray.maxRank else {
            throw FormatError.malformed(path, "tensor \(name): shape has \(shape.count) dimensions (at most \(NumpyArray.maxRank))")
        }
        guard let size = dtypeSizes[dtype] else {
            throw FormatError.malformed(path, "tensor \(name): dtype \(dtype) is not one of \(dtypeSizes.keys.sorted().joined(separator: ", "))")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end, end <= buffer.count else {
            throw FormatError.malformed(path, "tensor \(name): data_offsets [\(begin), \(end)] lie outside the \(buffer.count)-byte buffer")
        }
        guard let count = NumpyArray.elementCount(shape), case let (bytes, overflow) = count.multipliedReportingOverflow(by: size),
              !overflow, bytes == end - begin
        else { throw FormatError.malformed(path, "tensor \(name): shape \(shape) of \(dtype) does not fill \(end - begin) bytes") }
        return TensorSpan(name: name, dtype: dtype, shape: shape, range: begin..<end)
    }

    /// numpy equivalents of the safetensors dtypes (BF16 has none and is converted by hand).
    static let numpyTypes: [String: NumpyDType] = [
        "F32": .float32, "F16": NumpyDType("<f2")!, "F64": NumpyDType("<f8")!, "U8": .uint8,
        "I8": NumpyDType("|i1")!, "I32": .int32, "I64": NumpyDType("<i8")!,
    ]

    /// One tensor's bytes (already checked against its shape) as Float32; `release` gets the bytes once copied.
    static func tensor(_ raw: Data, _ span: TensorSpan, path: String, release: (Data) -> Void) throws -> Tensor {
        guard let type = numpyTypes[span.dtype] else {  // BF16: the high half of a Float32
            let count = raw.count / 2
            let scalars = raw.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [Float] in
                (0..<count).map { i -> Float in
                    let low = UInt32(bytes[2 * i]), high = UInt32(bytes[2 * i + 1])
                    return Float(bitPattern: low << 16 | high << 24)
                }
            }
            release(raw)
            return Tensor(shape: span.shape, scalars: scalars)
        }
        return try NumpyArray(dtype: type, shape: span.shape, data: raw, path: path).tensor(releasing: release)
    }

    /// The bytes of a safetensors file holding `tensors` (as F32, sorted by name) and `metadata`.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let bytes = tensor.count * 4
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            tensors[name]?.scalars.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Writes `tensors` and `metadata` to `url` as safetensors.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try writeOutputFile(try encode(tensors, metadata: metadata), to: url)
    }
}
