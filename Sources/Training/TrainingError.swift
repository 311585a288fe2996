// Errors of the Training stage: data lists, datasets and checkpoints that cannot be used.
import Foundation

/// Why training or evaluation could not proceed; `errorCode` is the process exit status (docs/architecture.md).
public enum TrainingError: LocalizedError, CustomNSError, Equatable {
    /// A list or feature file that does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// A file whose content is not usable (an empty list, a label outside the classes, mismatched widths).
    case malformed(path: String, reason: String)
    /// Options that contradict each other or the model.
    case usage(String)
    /// A checkpoint or output that could not be written.
    case writeFailed(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .malformed(let path, let reason): "\(path): \(reason)"
        case .usage(let reason): reason
        case .writeFailed(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }

    public static var errorDomain: String { "Vigil.Training" }

    /// sysexits: 66 unreadable, 65 malformed, 64 usage, 74 I/O.
    public var errorCode: Int {
        switch self {
        case .unreadable: 66
        case .malformed: 65
        case .usage: 64
        case .writeFailed: 74
        }
    }
}
