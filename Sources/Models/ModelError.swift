// Errors of the Models stage: weights that do not make a model, inputs that do not fit it.
import Foundation

/// Why a model could not be built or run; `errorCode` is the process exit status (docs/architecture.md).
public enum ModelError: LocalizedError, CustomNSError, Equatable {
    /// Weights lack keys the model needs.
    case missingKeys(model: String, keys: [String])
    /// Weights hold keys the model does not know.
    case unexpectedKeys(model: String, keys: [String])
    /// A tensor's shape disagrees with the others or with a configuration.
    case shapeMismatch(key: String, expected: [Int], actual: [Int])
    /// Two copies of one tensor (Paddle's LSTM aliases) differ.
    case aliasMismatch(key: String, alias: String)
    /// An input does not fit the model (wrong feature width, no frames).
    case badInput(String)
    /// A model description that names no known model or impossible sizes (exit 64).
    case usage(String)

    public var errorDescription: String? {
        switch self {
        case .missingKeys(let model, let keys):
            return "\(model) weights lack \(keys.count) key(s): \(keys.prefix(8).joined(separator: ", "))"
        case .unexpectedKeys(let model, let keys):
            return "\(model) weights have \(keys.count) unexpected key(s): \(keys.prefix(8).joined(separator: ", "))"
        case .shapeMismatch(let key, let expected, let actual):
            return "tensor \(key) has shape \(actual), expected \(expected)"
        case .aliasMismatch(let key, let alias):
            return "tensors \(key) and its alias \(alias) differ"
        case .badInput(let reason), .usage(let reason):
            return reason
        }
    }

    public static var errorDomain: String { "Vigil.Models" }

    /// 65 (malformed data) for everything the weights or inputs get wrong; 64 for a bad model description.
    public var errorCode: Int { if case .usage = self { 64 } else { 65 } }
}
