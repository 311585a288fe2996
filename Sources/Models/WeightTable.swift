// Taking named tensors out of a PaddlePaddle state dict, checking shapes and accounting for every key.
import Tensor

/// A state dict being consumed by a model: every key must be taken (or be a known alias/extra), none may be missing.
struct WeightTable {
    let model: String
    private var tensors: [String: Tensor]
    private var missing: [String] = []

    /// Keys Paddle writes that carry no weights (spec §5.1).
    static let ignoredKeys: Set<String> = ["StructuredToParameterName@@"]

    init(model: String, tensors: [String: Tensor]) {
        self.model = model
        self.tensors = tensors.filter { !Self.ignoredKeys.contains($0.key) }
    }

    /// Takes `key` (or, when absent, `alias`); when both exist they must be equal. Records the key if missing.
    mutating func take(_ key: String, alias: String? = nil) throws -> Tensor? {
        let primary = tensors.removeValue(forKey: key)
        let secondary = alias.flatMap { tensors.removeValue(forKey: $0) }
        if let primary, let secondary, let alias, primary != secondary {
            throw ModelError.aliasMismatch(key: key, alias: alias)
        }
        guard let found = primary ?? secondary else {
            missing.append(key)
            return nil
        }
        guard !found.shape.isEmpty, found.shape.allSatisfy({ $0 > 0 }) else {
            throw ModelError.shapeMismatch(key: key, expected: [], actual: found.shape)
        }
        return found
    }

    /// Fails naming missing keys, then unexpected ones.
    func finish() throws {
        if !missing.isEmpty { throw ModelError.missingKeys(model: model, keys: missing) }
        if !tensors.isEmpty { throw ModelError.unexpectedKeys(model: model, keys: tensors.keys.sorted()) }
    }
}

/// Fails unless `tensor` has exactly `shape`.
func requireShape(_ parameter: Parameter, _ shape: [Int]) throws {
    guard parameter.value.shape == shape else {
        throw ModelError.shapeMismatch(key: parameter.name, expected: shape, actual: parameter.value.shape)
    }
}
