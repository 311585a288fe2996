// The Stream stage's one error type: a line for the user and an exit status (docs/architecture.md).
import Foundation

/// What can go wrong inside the Stream stage.
public enum StreamError: Error, Equatable, LocalizedError, CustomNSError {
    /// A feature vector whose width differs from the window's.
    case featureWidth(expected: Int, got: Int)
    /// An event setting outside its range (names the setting).
    case badSetting(String)
    /// Writing a JSON line failed (stdout closed, disk full).
    case write(String)

    public var errorDescription: String? {
        switch self {
        case .featureWidth(let expected, let got):
            "feature vector has \(got) values, the window holds \(expected)"
        case .badSetting(let message): message
        case .write(let reason): "cannot write to stdout: \(reason)"
        }
    }

    public var errorCode: Int {
        switch self {
        case .featureWidth: 70
        case .badSetting: 64
        case .write: 74
        }
    }

    public static var errorDomain: String { "Vigil.Stream" }
}
