// The Features stage's one error type: one line for the user, a sysexits status for the process.
import Foundation

/// A failure of a feature extractor, naming the extractor (or plug-in command) and the reason.
public enum FeaturesError: LocalizedError, CustomNSError, Equatable {
    /// An extractor name that is none of `builtin`, `builtin:DIM`, `efficientnet-lite0[:logits]`, `exec:COMMAND`.
    case unknownExtractor(String)
    /// A dimension the extractor cannot produce (the reason says which it can).
    case badDimension(extractor: String, dimension: Int, reason: String)
    /// A frame or window whose size disagrees with what it claims.
    case badInput(extractor: String, reason: String)
    /// The extractor's dimension disagrees with the model's.
    case dimensionMismatch(modality: String, extractor: String, extractorDimension: Int, modelDimension: Int)
    /// A learned extractor's weights file is not installed; `command` fetches it.
    case missingWeights(extractor: String, file: String, looked: String, command: String)
    /// A plug-in process could not be started.
    case pluginLaunch(command: String, reason: String)
    /// A plug-in process broke the protocol: exited, timed out, or answered with the wrong size.
    case pluginFailure(command: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unknownExtractor(let name):
            return "unknown feature extractor '\(name)' (expected builtin, builtin:DIM, efficientnet-lite0, efficientnet-lite0:logits or exec:COMMAND)"
        case .badDimension(let extractor, let dimension, let reason):
            return "\(extractor): cannot produce \(dimension) features: \(reason)"
        case .badInput(let extractor, let reason):
            return "\(extractor): \(reason)"
        case .dimensionMismatch(let modality, let extractor, let extractorDimension, let modelDimension):
            return "\(modality) extractor '\(extractor)' gives \(extractorDimension) features but the model reads \(modelDimension)"
        case .missingWeights(let extractor, let file, let looked, let command):
            return "\(extractor): weights \(file) not found (looked in models/ beside the program, e.g. \(looked)); fetch them with `\(command)`"
        case .pluginLaunch(let command, let reason):
            return "extractor plug-in '\(command)': cannot start: \(reason)"
        case .pluginFailure(let command, let reason):
            return "extractor plug-in '\(command)': \(reason)"
        }
    }

    public static var errorDomain: String { "Vigil.Features" }

    public var errorCode: Int {
        switch self {
        case .unknownExtractor, .badDimension, .dimensionMismatch: return 64
        case .badInput: return 65
        case .missingWeights: return 66
        case .pluginLaunch, .pluginFailure: return 69
        }
    }
}
