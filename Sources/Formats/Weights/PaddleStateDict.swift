// PaddleStateDict: a pickled PaddlePaddle state dict (paddle.save / fluid.save layouts, spec §5.1) → tensors by name.
import Foundation
import Tensor

/// Reads the dict `paddle.save(state_dict)` and `fluid.save` write, resolving Paddle's bookkeeping keys.
enum PaddleStateDict {
    /// The structured→internal name map `paddle.save` adds; only diagnostic.
    static let structuredNamesKey = "StructuredToParameterName@@"
    /// Big-parameter slices (`_unpack_saved_dict`): key → {OriginShape, slices}.
    static let bigParamKey = "UnpackBigParamInfor@@"

    /// `release` is called with each array's bytes once they are converted (MappedFile.release).
    static func weights(from root: PickleValue, path: String, release: (Data) -> Void = { _ in }) throws -> WeightFile {
        guard let entries = root.entries else {
            throw FormatError.malformed(path, "a .pdparams pickle must hold a dict, found a \(root.typeName)")
        }
        var arrays: [String: NumpyArray] = [:]
        var bigParams: PickleValue?
        for entry in entries {
            guard let name = entry.key.text else {
                throw FormatError.malformed(path, "state dict key is a \(entry.key.typeName), not a name")
            }
            switch name {
            case structuredNamesKey: continue
            case bigParamKey: bigParams = entry.value
            default:
                guard case .array(let array) = entry.value else {
                    throw FormatError.malformed(path, "parameter \(name) is a \(entry.value.typeName), not a numpy array")
                }
                guard arrays[name] == nil else { throw FormatError.malformed(path, "parameter \(name) appears twice") }
                arrays[name] = array
            }
        }
        if let bigParams { try joinSlices(bigParams, into: &arrays, path: path) }
        for (name, array) in arrays where array.dtype.kind != "f" {
            throw FormatError.malformed(path, "parameter \(name) has dtype \(array.dtype), not a float type")
        }
        return WeightFile(tensors: try LSTMAliases.fold(arrays, path: path, release: release), format: .pickle)
    }

    /// Concatenates `key@@.0`, `key@@.1`, … back into `key` with its original shape.
    static func joinSlices(_ info: PickleValue, into arrays: inout [String: NumpyArray], path: String) throws {
        guard let entries = info.entries else { throw FormatError.malformed(path, "\(bigParamKey) is not a dict") }
        for entry in entries {
            guard let name = entry.key.text, case .list(let sliceNames)? = entry.value["slices"],
                  let originShape = entry.value["OriginShape"]
            else { throw FormatError.malformed(path, "\(bigParamKey) entry is not {OriginShape, slices}") }
            let shape: [Int]
            switch originShape {
            case .tuple(let dims), .list(let dims):
                shape = try dims.map {
                    guard case .int(let d) = $0 else { throw FormatError.malformed(path, "\(name): OriginShape is not sizes") }
                    return d
                }
            default: throw FormatError.malformed(path, "\(name): OriginShape is a \(originShape.typeName)")
            }
            var joined = Data()
            var dtype: NumpyDType?
            for sliceName in sliceNames {
                guard let key = sliceName.text, let slice = arrays.removeValue(forKey: key) else {
                    throw FormatError.malformed(path, "\(name): slice \(sliceName.text ?? sliceName.typeName) is missing")
                }
                guard dtype == nil || dtype == slice.dtype else { throw FormatError.malformed(path, "\(name): slices differ in dtype") }
                dtype = slice.dtype
                joined.append(slice.data)
            }
            guard let dtype else { throw FormatError.malformed(path, "\(name): no slices") }
            arrays[name] = try NumpyArray(dtype: dtype, shape: shape, data: joined, path: path)
        }
    }
}

/// `paddle.nn.LSTM` saves each cell's parameters twice: `X.weight_ih_l0` and `X.0.cell_fw.weight_ih` (spec §2.5).
enum LSTMAliases {
    static let fields = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]

    /// The canonical name of an alias (`X.{k}.cell_fw.F` → `X.F_l{k}`, `cell_bw` → `X.F_l{k}_reverse`), else nil.
    static func canonicalName(of alias: String) -> String? {
        let parts = alias.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 4, let layer = Int(parts[parts.count - 3]), layer >= 0,
              fields.contains(String(parts[parts.count - 1]))
        else { return nil }
        let cell = parts[parts.count - 2]
        guard cell == "cell_fw" || cell == "cell_bw" else { return nil }
        let prefix = parts[..<(parts.count - 3)].joined(separator: ".")
        return "\(prefix).\(parts[parts.count - 1])_l\(layer)\(cell == "cell_bw" ? "_reverse" : "")"
    }

    /// The aliases `paddle.save` would write for a canonical LSTM name (the inverse of `canonicalName`).
    static func alias(of name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let last = parts.last else { return nil }
        var field = Substring(last)
        let reverse = field.hasSuffix("_reverse")
        if reverse { field = field.dropLast("_reverse".count) }
        guard let marker = field.range(of: "_l", options: .backwards), let layer = Int(field[marker.upperBound...]),
              fields.contains(String(field[..<marker.lowerBound]))
        else { return nil }
        let prefix = parts.dropLast().joined(separator: ".")
        return "\(prefix).\(layer).\(reverse ? "cell_bw" : "cell_fw").\(field[..<marker.lowerBound])"
    }

    /// Converts each array once, keeping `…_l{k}[_reverse]`: an alias alone is renamed to it; when both are present
    /// their bytes must be equal and only one is converted. `release` gets each array's bytes after use.
    static func fold(_ arrays: [String: NumpyArray], path: String, release: (Data) -> Void) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        var aliases: [(String, String)] = []
        for (name, array) in arrays.sorted(by: { $0.key < $1.key }) {
            if let canonical = canonicalName(of: name) {
                aliases.append((name, canonical))
            } else {
                result[name] = array.tensor(releasing: release)
            }
        }
        for (alias, canonical) in aliases {
            guard let value = arrays[alias] else { continue }
            if let existing = arrays[canonical] {
                let equal = existing.dtype == value.dtype
                    ? existing.sameBytes(as: value, releasing: release) : existing.tensor() == value.tensor()
                guard existing.shape == value.shape, equal else {
                    throw FormatError.malformed(path, "LSTM parameter \(alias) differs from its alias \(canonical)")
                }
                release(existing.data)
                release(value.data)
            } else {
                result[canonical] = value.tensor(releasing: release)
            }
        }
        return result
    }
}
