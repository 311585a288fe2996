// SaveCombine: PaddlePaddle's binary "save_combine" layout (spec §5.3): tensors back to back, names not stored.
import Foundation
import Tensor

/// Reads `.pdiparams` / 1.6-era combined parameter files (the caller supplies the names in file order) and 1.5-era
/// directories with one file per parameter.
enum SaveCombine {
    /// Paddle's VarType codes this reader converts to Float32, with their element sizes.
    static let dataTypes: [Int: (name: String, size: Int)] = [4: ("FP16", 2), 5: ("FP32", 4), 6: ("FP64", 8)]
    /// No real parameter has more axes; guards the dims list.
    static let maxRank = 16

    static func read(_ data: Data, names: [String], path: String) throws -> [String: Tensor] {
        var reader = ByteReader(data, path: path)
        var tensors: [String: Tensor] = [:]
        for name in names {
            guard !reader.isAtEnd else {
                throw FormatError.malformed(path, "save_combine file holds fewer tensors than the \(names.count) names given")
            }
            tensors[name] = try readTensor(&reader, name: name)
        }
        guard reader.isAtEnd else {
            throw FormatError.malformed(path, "save_combine file holds more tensors than the \(names.count) names given")
        }
        return tensors
    }

    /// One tensor per regular file (hidden files skipped), named after the file: `fluid.io.save_params(exe, dir)`.
    static func readDirectory(_ url: URL) throws -> [String: Tensor] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw FormatError(.unreadable, path: url.path, "cannot list the directory (\(error.localizedDescription))")
        }
        var tensors: [String: Tensor] = [:]
        for name in names {
            let file = url.appendingPathComponent(name)
            var reader = ByteReader(try MappedFile(file).data, path: file.path)
            tensors[name] = try readTensor(&reader, name: name)
            guard reader.isAtEnd else {
                throw FormatError.malformed(file.path, "\(reader.remaining) bytes follow the tensor (not a single-parameter file)")
            }
        }
        guard !tensors.isEmpty else { throw FormatError.malformed(url.path, "the directory holds no parameter files") }
        return tensors
    }

    static func readTensor(_ reader: inout ByteReader, name: String) throws -> Tensor {
        let path = reader.path
        let version = try reader.uint32LE("\(name): version")
        guard version == 0 else { throw FormatError.malformed(path, "\(name): unknown LoDTensor version \(version)") }
        let lodLevels = try reader.uint64LE("\(name): lod level")
        guard lodLevels <= 8 else { throw FormatError.malformed(path, "\(name): \(lodLevels) LoD levels") }
        for _ in 0..<lodLevels { try reader.skip(try reader.length(8, "\(name): LoD level"), "\(name): LoD level") }
        let tensorVersion = try reader.uint32LE("\(name): tensor version")
        guard tensorVersion == 0 else { throw FormatError.malformed(path, "\(name): unknown tensor version \(tensorVersion)") }
        let descLength = try reader.int32LE("\(name): TensorDesc length")
        var desc = ProtoFields(try reader.bytes(Int(descLength), "\(name): TensorDesc"), path: path)
        var dataType: Int?
        var dims: [Int] = []
        while let field = try desc.next() {
            switch field {
            case .varint(1, let value): dataType = Int(truncatingIfNeeded: value)
            case .varint(2, let value): dims.append(Int(truncatingIfNeeded: value))
            case .bytes(2, let packed):
                var inner = ProtoFields(packed, path: path)
                while let value = try inner.varint() { dims.append(Int(truncatingIfNeeded: value)) }
            default: continue
            }
            guard dims.count <= maxRank else { throw FormatError.malformed(path, "\(name): more than \(maxRank) dims") }
        }
        guard let code = dataType, let type = dataTypes[code] else {
            throw FormatError.malformed(path, "\(name): data type \(dataType.map(String.init) ?? "missing") is not FP16/FP32/FP64")
        }
        guard let count = NumpyArray.elementCount(dims), case let (bytes, overflow) = count.multipliedReportingOverflow(by: type.size),
              !overflow
        else { throw FormatError.malformed(path, "\(name): invalid dims \(dims)") }
        let raw = try reader.bytes(bytes, "\(name): \(dims) \(type.name) data")
        let dtype = NumpyDType("<f\(type.size)")!
        return try NumpyArray(dtype: dtype, shape: dims, data: raw, path: path).tensor()
    }
}

/// A minimal protobuf wire-format walker for the few hand-read messages (TensorDesc); bounds-checked.
struct ProtoFields {
    enum Field {
        case varint(Int, UInt64)
        case bytes(Int, Data)
        case fixed(Int)
    }

    var reader: ByteReader

    init(_ data: Data, path: String) { reader = ByteReader(data, path: path) }

    mutating func varint() throws -> UInt64? {
        guard !reader.isAtEnd else { return nil }
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            let byte = try reader.byte("varint")
            guard shift < 64 else { throw FormatError.malformed(reader.path, "varint longer than 10 bytes") }
            value |= UInt64(byte & 0x7f) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        throw FormatError.malformed(reader.path, "varint longer than 10 bytes")
    }

    mutating func next() throws -> Field? {
        guard let key = try varint() else { return nil }
        let number = Int(key >> 3)
        switch key & 7 {
        case 0:
            guard let value = try varint() else { throw FormatError.malformed(reader.path, "truncated protobuf varint") }
            return .varint(number, value)
        case 1: try reader.skip(8, "protobuf fixed64"); return .fixed(number)
        case 5: try reader.skip(4, "protobuf fixed32"); return .fixed(number)
        case 2:
            guard let length = try varint(), length <= UInt64(reader.remaining) else {
                throw FormatError.malformed(reader.path, "protobuf field \(number) is longer than its message")
            }
            return .bytes(number, try reader.bytes(Int(length), "protobuf field \(number)"))
        default:
            throw FormatError.malformed(reader.path, "protobuf wire type \(key & 7) is not supported")
        }
    }
}
