// The one settings resolver: a pipeline file and command-line flags become the settings of a run, for every
// command (classify, predict, extract, watch, a cluster worker). One rule: a flag over a camera's `cameras:` entry
// (watch) over the pipeline file over `SettingDefaults`.
import Formats
import Foundation
import Media
import Models
import Stream

/// What a run uses: `flags` laid over `config` (empty when there is no pipeline file) laid over the defaults. Every
/// resolved value is computed here and nowhere else.
public struct PipelineSettings: Sendable {
    public var config: PipelineConfig
    public var flags: SettingFlags

    /// Settings from `config` and `flags`.
    public init(config: PipelineConfig = PipelineConfig(), flags: SettingFlags = SettingFlags()) {
        self.config = config
        self.flags = flags
    }

    /// The weights (`--weights` > `model.weights`); nil: none named.
    public var weights: URL? { flags.weights ?? config.model.weights }
    /// Label names (`--labels` > `model.labels`; nil: the weights' own, if any).
    public var labels: URL? { flags.labels ?? config.model.labels }
    /// Classes each result lists (`--top-k` > `model.top_k` > 5).
    public var topK: Int { flags.topK ?? config.model.topK ?? SettingDefaults.topK }

    public var rgbExtractor: String { flags.rgbExtractor ?? config.extractors.rgb ?? SettingDefaults.extractor }
    public var audioExtractor: String { flags.audioExtractor ?? config.extractors.audio ?? SettingDefaults.extractor }
    public var extractorTimeout: Double { flags.extractorTimeout ?? SettingDefaults.extractorTimeout }
    /// `--size` (checked by `SettingFlags.problem`), else 224×224.
    public var frameSize: FrameSize { flags.frameSize.flatMap(FrameSize.init) ?? FrameSampling.defaultFrameSize }

    /// Where uniform picks fall inside their segments (`--sampling` > `sampling.mode` > center; `--seed` >
    /// `sampling.seed` > 0).
    public var rowMode: UniformSampler.Mode {
        (flags.mode ?? config.sampling.mode) == .random ? .random(seed: flags.seed ?? config.sampling.seed ?? SettingDefaults.seed) : .center
    }

    /// AttentionCluster's uniform picks per video or window (`--seg-num` > `sampling.seg_num` > the catalogue's 100).
    public var segments: Int { flags.segNum ?? config.sampling.segNum ?? ModelKind.defaultSegNum }

    /// `--seg-num N` decodes N uniform frames; otherwise frames are taken at `--fps`, the file's fps, or 1/s.
    public var frameSampling: FrameSampling {
        if let segNum = flags.segNum { return FrameSampling(rate: .segments(segNum, rowMode), frameSize: frameSize) }
        return FrameSampling(rate: .perSecond(flags.fps ?? config.sampling.fps ?? SettingDefaults.framesPerSecond), frameSize: frameSize)
    }

    /// A watched camera's settings: each flag over the camera's entry over the pipeline file over the defaults
    /// (window: seg_num / fps). Clips are `clipSettings(for:)`'s.
    public func watchSettings(for camera: CameraConfig) -> WatchSettings {
        var watch = WatchSettings()
        watch.framesPerSecond = flags.fps ?? camera.fps ?? config.sampling.fps ?? SettingDefaults.framesPerSecond
        let picks = flags.segNum ?? camera.segNum ?? config.sampling.segNum ?? ModelKind.defaultSegNum
        watch.windowSeconds = flags.window ?? camera.window ?? config.watch.window ?? Double(picks) / watch.framesPerSecond
        watch.strideSeconds = flags.stride ?? camera.stride ?? config.watch.stride ?? SettingDefaults.strideSeconds
        watch.retrySeconds = flags.retryInterval ?? SettingDefaults.retrySeconds
        watch.noFramesTimeoutSeconds = flags.noFramesTimeout ?? SettingDefaults.noFramesTimeoutSeconds
        watch.rtspTransport = flags.rtspTransport ?? camera.extra["transport"] ?? SettingDefaults.rtspTransport
        watch.decoding = flags.decoding.flatMap(FrameDecoding.init(rawValue:)) ?? .auto
        return watch
    }

    /// A camera's clips: `--clips` over its `clips:` folder (relative to the pipeline file); `--clip-pre` /
    /// `--clip-post` over its `clip_pre:` / `clip_post:` over 5 s. Nil when neither names a folder.
    public func clipSettings(for camera: CameraConfig) throws -> ClipSettings? {
        let file = config.source
        var folder = flags.clipsDirectory
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
        clips.preSeconds = try flags.clipPre ?? seconds("clip_pre") ?? SettingDefaults.clipMarginSeconds
        clips.postSeconds = try flags.clipPost ?? seconds("clip_post") ?? SettingDefaults.clipMarginSeconds
        clips.maxBytes = flags.clipsMaxBytes
        return clips
    }

    /// Whether `text` is a valid `WxH` frame size.
    public static func isFrameSize(_ text: String) -> Bool { FrameSize(text) != nil }

    /// Whether `name` is a `--decode` value (auto, all, keyframes).
    public static func isDecoding(named name: String) -> Bool { FrameDecoding(rawValue: name) != nil }
}

extension PipelineConfig {
    /// `pipelines/default.yaml` next to the program: in a folder above the executable (a build tree such as
    /// `.build/release/vigil`) or in `share/vigil/` beside its `bin/` (an install). Never the working directory.
    public static func defaultPipelineURL(executable: URL? = Bundle.main.executableURL) -> URL? {
        InstalledFile.locate("pipelines/default.yaml", executable: executable)
    }

    /// Where `defaultPipelineURL` looks, in order (InstalledFile).
    public static func candidateDefaultPipelines(executable: URL?) -> [URL] {
        InstalledFile.candidates("pipelines/default.yaml", executable: executable)
    }
}
