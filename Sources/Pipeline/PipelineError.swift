// The Pipeline stage's one error type: one line for the user, a sysexits status for the process.
import Foundation

/// A failure while reading a pipeline file or wiring the stages, naming the file and the reason.
public enum PipelineError: LocalizedError, CustomNSError, Equatable {
    /// The file is missing, a directory or unreadable.
    case unreadable(path: String, reason: String)
    /// The file is not valid YAML, or not a mapping at its top.
    case malformedYAML(path: String, reason: String)
    /// A key holds a value of the wrong kind or out of range (`key` is the dotted path, e.g. `sampling.seg_num`).
    case badValue(path: String, key: String, reason: String)
    /// A key the layout does not define (a typo would otherwise be silently ignored).
    case unknownKey(path: String, key: String)
    /// Options or a config that contradict each other or the weights.
    case usage(String)
    /// A file or input the pipeline needs is missing.
    case missingInput(String)
    /// An input that decoded but cannot be used (e.g. no frames).
    case unusableInput(path: String, reason: String)
    /// Output could not be written.
    case output(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .malformedYAML(let path, let reason): return "\(path): not a valid pipeline YAML: \(reason)"
        case .badValue(let path, let key, let reason): return "\(path): \(key): \(reason)"
        case .unknownKey(let path, let key): return "\(path): unknown key '\(key)'"
        case .usage(let message): return message
        case .missingInput(let message): return message
        case .unusableInput(let path, let reason): return "\(path): \(reason)"
        case .output(let path, let reason): return "\(path): cannot write: \(reason)"
        }
    }

    public static var errorDomain: String { "Vigil.Pipeline" }

    public var errorCode: Int {
        switch self {
        case .usage: return 64
        case .malformedYAML, .badValue, .unknownKey, .unusableInput: return 65
        case .unreadable, .missingInput: return 66
        case .output: return 74
        }
    }
}
