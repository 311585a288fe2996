// Turns `vigil watch`'s flags and pipeline file into cameras and shared stages; flags win over the file.
import Features
import Foundation
import Media
import Stream

/// What `vigil watch` was asked; nil fields fall back to the camera's `cameras:` entry, then the pipeline file,
/// then the defaults (fps 1, seg_num 100, window seg_num / fps, stride 2, retry 10 s, no-frames timeout 20 s).
public struct WatchRequest: Sendable {
    public var urls: [String] = []
    public var pipeline: PipelineConfig?
    public var weights: URL?
    public var labels: URL?
    public var segNum: Int?
    public var fps: Double?
    public var window: Double?
    public var stride: Double?
    public var retryInterval: Double?
    public var noFramesTimeout: Double?
    /// "tcp" or "udp" for rtsp:// cameras.
    public var rtspTransport: String?
    public var topK = 5
    /// The rgb extractor: `builtin` or `builtin:DIM`.
    public var rgbExtractor: String?

    public init() {}

    /// Frames are scaled to this size before extraction.
    static let frameSize = FrameSize(width: 224, height: 224)

    /// The cameras (the URLs given, else the pipeline's `cameras:`) and the stages they share.
    public func plan() throws -> (cameras: [CameraSpec], stages: WatchStages) {
        let config = pipeline ?? PipelineConfig()
        let model = try WatchModelLoader.load(config: config, weights: weights, labels: labels, segNum: segNum)
        let probe = try model.instance()
        let extractorName = rgbExtractor ?? config.extractors.rgb ?? "builtin"
        let makeExtractor = try Self.extractorFactory(extractorName, dimension: probe.rgbDimension)
        let stages = WatchStages(
            frameSize: Self.frameSize, makeExtractor: makeExtractor, model: model, topK: topK,
            policy: try Self.policy(config.watch.events))
        let entries = urls.isEmpty
            ? config.cameras.map { Self.resolved($0, against: config.source) }
            : urls.map { CameraConfig(name: CameraSpec.displayName($0), url: $0) }
        guard !entries.isEmpty else {
            throw PipelineError.usage("vigil watch: no cameras (give URLs, or a --pipeline with a cameras: map)")
        }
        return (entries.map { CameraSpec(name: $0.name, url: $0.url, settings: settings(for: $0, config)) }, stages)
    }

    /// `camera` with a relative file path made relative to the pipeline file's folder, as its other paths are.
    static func resolved(_ camera: CameraConfig, against file: URL?) -> CameraConfig {
        guard let file, !camera.url.contains("://"), !camera.url.hasPrefix("/") else { return camera }
        var copy = camera
        copy.url = file.deletingLastPathComponent().appendingPathComponent(camera.url).path
        return copy
    }

    /// Flags over the camera's entry over the pipeline over the defaults.
    private func settings(for camera: CameraConfig, _ config: PipelineConfig) -> WatchSettings {
        var settings = WatchSettings()
        settings.framesPerSecond = fps ?? camera.fps ?? config.sampling.fps ?? 1
        let picks = segNum ?? camera.segNum ?? config.sampling.segNum ?? 100
        settings.windowSeconds = window ?? camera.window ?? config.watch.window ?? Double(picks) / settings.framesPerSecond
        settings.strideSeconds = stride ?? camera.stride ?? config.watch.stride ?? 2
        settings.retrySeconds = retryInterval ?? settings.retrySeconds
        settings.noFramesTimeoutSeconds = noFramesTimeout ?? settings.noFramesTimeoutSeconds
        settings.rtspTransport = rtspTransport ?? camera.extra["transport"] ?? settings.rtspTransport
        return settings
    }

    /// The pipeline's `watch.events`, each label's override laid over the general thresholds.
    static func policy(_ events: EventConfig) throws -> EventPolicy {
        func merged(_ over: EventThresholds, _ base: EventHysteresis) -> EventHysteresis {
            EventHysteresis(
                on: over.on.map(Float.init) ?? base.on, off: over.off.map(Float.init) ?? base.off,
                minWindows: over.minWindows ?? base.minWindows, maxQuietSeconds: over.maxQuiet ?? base.maxQuietSeconds)
        }
        let general = merged(events.thresholds, EventHysteresis())
        return try EventPolicy(defaults: general, overrides: events.labels.mapValues { merged($0, general) })
    }

    /// A factory of `name`'s extractor (`builtin` or `builtin:DIM`), checked against the model's rgb width.
    static func extractorFactory(_ name: String, dimension: Int) throws -> () throws -> any FrameFeatureExtractor {
        let parts = name.split(separator: ":", maxSplits: 1)
        guard parts.first == "builtin" else { throw FeaturesError.unknownExtractor(name) }
        let width = parts.count == 2 ? Int(parts[1]) : dimension
        guard let width else { throw FeaturesError.unknownExtractor(name) }
        guard width == dimension else {
            throw FeaturesError.dimensionMismatch(
                modality: "rgb", extractor: name, extractorDimension: width, modelDimension: dimension)
        }
        _ = try BuiltinFrameExtractor(dimension: width)
        return { try BuiltinFrameExtractor(dimension: width) }
    }
}
