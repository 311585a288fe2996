// The Media stage's one error type: a line naming the file or URL and the reason, and the exit status it maps to.
import Foundation

/// A failure in the Media stage. `errorDescription` is one line (`<file or URL>: <reason>`); `errorCode` is the
/// process exit status from docs/architecture.md (sysexits).
public struct MediaError: Error, LocalizedError, CustomNSError, Sendable {
    /// What went wrong, which decides the exit status.
    public enum Kind: Sendable, Equatable {
        /// No such file, a directory, no permission (exit 66).
        case missingInput
        /// The input is not media FFmpeg can read, or is damaged beyond use (exit 65).
        case malformed
        /// The input is readable but has no stream of the kind asked for (exit 65).
        case noStream
        /// A network stream or service could not be reached or stopped answering (exit 69).
        case unavailable
        /// A bad request from the caller, such as a zero frame size (exit 64).
        case usage
        /// Writing an output file failed (exit 74).
        case output
        /// FFmpeg failed in a way the input does not explain (exit 70).
        case `internal`
    }

    public let kind: Kind
    /// The file path or URL the failure concerns.
    public let location: String
    /// What happened, in a few words (may end with FFmpeg's own message in parentheses).
    public let reason: String

    public init(_ kind: Kind, _ location: String, _ reason: String) {
        self.kind = kind
        self.location = location
        self.reason = reason
    }

    public var errorDescription: String? { "\(location): \(reason)" }

    public static var errorDomain: String { "Vigil.Media" }

    public var errorCode: Int {
        switch kind {
        case .usage: 64
        case .malformed, .noStream: 65
        case .missingInput: 66
        case .unavailable: 69
        case .internal: 70
        case .output: 74
        }
    }
}
