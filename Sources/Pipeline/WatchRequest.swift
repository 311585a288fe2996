// Turns `vigil watch`'s flags and pipeline file into cameras and shared stages; flags win over the file.
import Features
import Foundation
import Media
import Models
import Stream

/// What `vigil watch` was asked. Model, labels, top-k, extractors and frame size come from `settings` (the same
/// `PipelineSettings` as `vigil classify`); nil fields fall back to the camera's `cameras:` entry, then the pipeline
/// file, then the defaults (fps 1, seg_num 100, window seg_num / fps, stride 2, retry 10 s, no-frames timeout 20 s).
public struct WatchRequest: Sendable {
    public var settings: PipelineSettings
    public var urls: [String] = []
    public var segNum: Int?
    public var fps: Double?
    public var window: Double?
    public var stride: Double?
    public var retryInterval: Double?
    public var noFramesTimeout: Double?
    /// "tcp" or "udp" for rtsp:// cameras.
    public var rtspTransport: String?
    /// `--clips DIR` (every camera; a camera's `clips:` in the pipeline otherwise), `--clip-pre`, `--clip-post`,
    /// `--clips-max-bytes`.
    public var clipsDirectory: String?
    public var clipPre: Double?
    public var clipPost: Double?
    public var clipsMaxBytes: Int64?
    /// `--decode`: auto, all or keyframes.
    public var decoding: FrameDecoding?

    /// A request over `settings`.
    public init(settings: PipelineSettings) { self.settings = settings }

    /// The cameras (the URLs given, else the pipeline's `cameras:`) and the stages they share.
    public func plan() throws -> (cameras: [CameraSpec], stages: WatchStages) {
        let config = settings.config
        let model = try WatchModelLoader.load(settings, segNum: segNum)
        let probe = try model.instance()
        let (rgbDimension, audioDimension) = (probe.rgbDimension, probe.audioDimension)
        let rgbChoice = try ExtractorChoice(parsing: settings.rgbExtractor)
        let audioChoice = try ExtractorChoice(parsing: settings.audioExtractor)
        let (size, timeout) = (settings.frameSize, settings.extractorTimeout)
        let makeExtractor = {
            try rgbChoice.frameExtractor(width: size.width, height: size.height, modelDimension: rgbDimension, timeout: timeout)
        }
        let makeAudioExtractor = {  // an rgb-only model (audioDimension 0) checks no audio width
            try audioChoice.audioExtractor(modelDimension: audioDimension > 0 ? audioDimension : nil, timeout: timeout)
        }
        _ = try makeExtractor()  // a wrong name or dimension fails before any camera starts
        _ = try makeAudioExtractor()
        let stages = WatchStages(
            frameSize: size, makeExtractor: makeExtractor, makeAudioExtractor: makeAudioExtractor, model: model,
            topK: settings.topK, policy: try Self.policy(config.watch.events))
        let entries = urls.isEmpty
            ? config.cameras.map { Self.resolved($0, against: config.source) }
            : urls.map { CameraConfig(name: CameraSpec.displayName($0), url: $0) }
        guard !entries.isEmpty else {
            throw PipelineError.usage("vigil watch: no cameras (give URLs, or a --pipeline with a cameras: map)")
        }
        let specs = try entries.map { entry in
            var watch = watchSettings(for: entry, config)
            watch.clips = try clipSettings(for: entry, pipeline: config.source)
            return CameraSpec(name: entry.name, url: entry.url, settings: watch)
        }
        return (specs, stages)
    }

    /// `camera` with a relative file path made relative to the pipeline file's folder, as its other paths are.
    static func resolved(_ camera: CameraConfig, against file: URL?) -> CameraConfig {
        guard let file, !camera.url.contains("://"), !camera.url.hasPrefix("/") else { return camera }
        var copy = camera
        copy.url = file.deletingLastPathComponent().appendingPathComponent(camera.url).path
        return copy
    }

    /// Flags over the camera's entry over the pipeline over the defaults.
    func watchSettings(for camera: CameraConfig, _ config: PipelineConfig) -> WatchSettings {
        var watch = WatchSettings()
        watch.framesPerSecond = fps ?? camera.fps ?? config.sampling.fps ?? SettingDefaults.framesPerSecond
        let picks = segNum ?? camera.segNum ?? config.sampling.segNum ?? ModelKind.defaultSegNum
        watch.windowSeconds = window ?? camera.window ?? config.watch.window ?? Double(picks) / watch.framesPerSecond
        watch.strideSeconds = stride ?? camera.stride ?? config.watch.stride ?? SettingDefaults.strideSeconds
        watch.retrySeconds = retryInterval ?? watch.retrySeconds
        watch.noFramesTimeoutSeconds = noFramesTimeout ?? watch.noFramesTimeoutSeconds
        watch.rtspTransport = rtspTransport ?? camera.extra["transport"] ?? watch.rtspTransport
        watch.decoding = decoding ?? watch.decoding
        return watch
    }

    /// Clips for `camera`: `--clips` over its `clips:` folder (relative to the pipeline file); `--clip-pre` /
    /// `--clip-post` over its `clip_pre:` / `clip_post:` over 5 s. Nil when neither names a folder.
    private func clipSettings(for camera: CameraConfig, pipeline file: URL?) throws -> ClipSettings? {
        var folder = clipsDirectory
        if folder == nil, let entry = camera.extra["clips"] {
            folder = entry.hasPrefix("/") || file == nil
                ? entry : file?.deletingLastPathComponent().appendingPathComponent(entry).path
        }
        guard let folder else { return nil }
        func seconds(_ key: String) throws -> Double? {
            guard let text = camera.extra[key] else { return nil }
            guard let value = Double(text) else {
                throw StreamError.badSetting("\(camera.name): \(key) must be a number of seconds, got \(text)")
            }
            return value
        }
        var clips = ClipSettings(directory: folder)
        clips.preSeconds = try clipPre ?? seconds("clip_pre") ?? clips.preSeconds
        clips.postSeconds = try clipPost ?? seconds("clip_post") ?? clips.postSeconds
        clips.maxBytes = clipsMaxBytes
        return clips
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
}
