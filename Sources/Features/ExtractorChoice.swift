// Choosing an extractor by name (`builtin`, `builtin:DIM`, `efficientnet-lite0[:logits]`, `exec:COMMAND`) and checking it against the model.
import Foundation

/// An extractor named in a pipeline file or by `--rgb-extractor` / `--audio-extractor`.
public enum ExtractorChoice: Equatable, Sendable, CustomStringConvertible {
    /// The built-in extractor of the modality, at its default dimension when nil.
    case builtin(dimension: Int?)
    /// A plug-in program run by `/bin/sh -c` (docs/extractors.md).
    case exec(command: String)
    /// EfficientNet-Lite0's ImageNet features (1280) or logits (1000): `efficientnet-lite0[:logits]`.
    case efficientNetLite0(logits: Bool)

    /// Parses `builtin`, `builtin:DIM` or `exec:COMMAND`.
    public init(parsing name: String) throws {
        let text = name.trimmingCharacters(in: .whitespaces)
        if text == "efficientnet-lite0" || text == "efficientnet-lite0:logits" {
            self = .efficientNetLite0(logits: text.hasSuffix(":logits"))
        } else if text == "builtin" {
            self = .builtin(dimension: nil)
        } else if text.hasPrefix("builtin:"), let dimension = Int(text.dropFirst("builtin:".count)), dimension > 0 {
            self = .builtin(dimension: dimension)
        } else if text.hasPrefix("exec:"), !text.dropFirst("exec:".count).trimmingCharacters(in: .whitespaces).isEmpty {
            self = .exec(command: text.dropFirst("exec:".count).trimmingCharacters(in: .whitespaces))
        } else {
            throw FeaturesError.unknownExtractor(name)
        }
    }

    public var description: String {
        switch self {
        case .builtin(nil): return "builtin"
        case .builtin(let dimension?): return "builtin:\(dimension)"
        case .exec(let command): return "exec:\(command)"
        case .efficientNetLite0(let logits): return logits ? "efficientnet-lite0:logits" : "efficientnet-lite0"
        }
    }

    /// The rgb extractor for frames of `width`×`height`; its dimension must equal `modelDimension` when given.
    /// A plug-in gets `timeout` seconds per frame and four times that for its hello (to load a model).
    public func frameExtractor(width: Int, height: Int, modelDimension: Int?, timeout: Double = 30) throws
        -> any FrameFeatureExtractor
    {
        let extractor: any FrameFeatureExtractor
        switch self {
        case .builtin(let dimension):
            extractor = try BuiltinFrameExtractor(dimension: dimension ?? BuiltinFrameExtractor.defaultDimension)
        case .exec(let command):
            extractor = try ExecExtractor(
                command: command, kind: .frames, width: width, height: height, dimension: modelDimension ?? 0, timeout: timeout,
                startupTimeout: 4 * timeout)
        case .efficientNetLite0(let logits):
            extractor = try EfficientNetExtractor(logits: logits)
        }
        try check(modality: "rgb", dimension: extractor.dimension, modelDimension: modelDimension)
        return extractor
    }

    /// The audio extractor (1 s windows of 16 kHz mono); its dimension must equal `modelDimension` when given.
    public func audioExtractor(modelDimension: Int?, timeout: Double = 30) throws -> any AudioFeatureExtractor {
        let extractor: any AudioFeatureExtractor
        switch self {
        case .builtin(let dimension):
            let builtin = try LogMelAudioExtractor()
            if let dimension, dimension != builtin.dimension {
                throw FeaturesError.badDimension(
                    extractor: description, dimension: dimension, reason: "the built-in audio extractor gives \(builtin.dimension)")
            }
            extractor = builtin
        case .exec(let command):
            extractor = try ExecExtractor(
                command: command, kind: .audio, width: featureAudioSampleRate, height: 1, dimension: modelDimension ?? 0,
                timeout: timeout, startupTimeout: 4 * timeout)
        case .efficientNetLite0:
            throw FeaturesError.badDimension(extractor: description, dimension: modelDimension ?? 0, reason: "it is an rgb extractor")
        }
        try check(modality: "audio", dimension: extractor.dimension, modelDimension: modelDimension)
        return extractor
    }

    private func check(modality: String, dimension: Int, modelDimension: Int?) throws {
        if let modelDimension, modelDimension != dimension {
            throw FeaturesError.dimensionMismatch(
                modality: modality, extractor: description, extractorDimension: dimension, modelDimension: modelDimension)
        }
    }
}
