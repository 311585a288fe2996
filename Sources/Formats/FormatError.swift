// FormatError: the one error type of the Formats module (one line naming the file and the problem).
import Foundation

/// A file that could not be read or is not what it claims to be; `errorCode` is the process exit status.
public struct FormatError: Error, LocalizedError, CustomNSError, Sendable, Equatable {
    /// Why the file failed, mapped to a sysexits status.
    public enum Kind: Int, Sendable {
        /// A request that cannot be met (e.g. a tensor a format cannot hold).
        case usage = 64
        /// The bytes are not a valid file of the claimed format.
        case malformed = 65
        /// No such file, a directory, or no permission.
        case unreadable = 66
        /// Writing the output failed.
        case writeFailed = 74
    }

    /// What went wrong, as an exit status.
    public let kind: Kind
    /// The file (or a name standing for it) the problem is in.
    public let path: String
    /// The problem, in a few words.
    public let reason: String

    /// An error of `kind` in `path`.
    public init(_ kind: Kind, path: String, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    static func malformed(_ path: String, _ reason: String) -> FormatError {
        FormatError(.malformed, path: path, reason)
    }

    public var errorDescription: String? { "\(path): \(reason)" }
    public var errorCode: Int { kind.rawValue }
    public static var errorDomain: String { "Vigil.Formats" }
}
