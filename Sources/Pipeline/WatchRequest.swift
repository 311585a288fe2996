// Turns `vigil watch`'s settings (flags over cameras over the pipeline file, resolved by PipelineSettings) into
// cameras and shared stages.
import Features
import Foundation
import Media
import Models
import Stream

/// What `vigil watch` was asked: the cameras' URLs and the settings (the same `PipelineSettings` as every other
/// command: model, labels, top-k, extractors, frame size, and per camera its `watchSettings(for:)`).
public struct WatchRequest: Sendable {
    public var settings: PipelineSettings
    public var urls: [String] = []
    /// `--batch-size`: the most windows of different cameras in one forward pass (1: no batching).
    public var batchSize = SettingDefaults.watchBatchSize

    /// A request over `settings`.
    public init(settings: PipelineSettings) { self.settings = settings }

    /// The cameras (the URLs given, else the pipeline's `cameras:`) and the stages they share.
    public func plan() throws -> (cameras: [CameraSpec], stages: WatchStages) {
        let config = settings.config
        let model = try WatchModelLoader.load(settings)
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
        var stages = WatchStages(
            frameSize: size, makeExtractor: makeExtractor, makeAudioExtractor: makeAudioExtractor, model: model,
            topK: settings.topK, policy: try Self.policy(config.watch.events))
        if batchSize > 1 {
            stages.batcher = WindowBatcher(classifiers: try WindowBatcher.passes(of: model, first: probe), batchSize: batchSize)
        }
        let entries = urls.isEmpty
            ? config.cameras.map { Self.resolved($0, against: config.source) }
            : urls.map { CameraConfig(name: CameraSpec.displayName($0), url: $0) }
        guard !entries.isEmpty else {
            throw PipelineError.usage("vigil watch: no cameras (give URLs, or a --pipeline with a cameras: map)")
        }
        let specs = try entries.map { entry in
            var watch = settings.watchSettings(for: entry)
            watch.clips = try settings.clipSettings(for: entry)
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
