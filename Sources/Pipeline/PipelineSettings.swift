// One place where a pipeline file and command-line flags become the settings of a run (flags win).
import Formats
import Foundation
import Media
import Models

/// What a run uses, resolved from a pipeline file and flags. Defaults: 1 frame/s, 224×224 frames, built-in
/// extractors, top 5, center row sampling.
public struct PipelineSettings: Sendable {
    public var config: PipelineConfig
    public var weights: URL?
    public var labels: URL?
    public var topK = SettingDefaults.topK
    /// `--fps` (overrides the file's `sampling.fps`).
    public var fps: Double?
    /// `--seg-num`: decode exactly this many uniformly spread frames.
    public var segNum: Int?
    public var mode: SamplingConfig.Mode?
    public var seed: UInt64?
    public var frameSize = FrameSampling.defaultFrameSize
    public var rgbExtractorFlag: String?
    public var audioExtractorFlag: String?
    public var extractorTimeout = SettingDefaults.extractorTimeout

    /// Settings from `config` (empty when nil); flags are set on the result.
    public init(config: PipelineConfig = PipelineConfig()) {
        self.config = config
        weights = config.model.weights
        labels = config.model.labels
        if let k = config.model.topK { topK = k }
    }

    public var rgbExtractor: String { rgbExtractorFlag ?? config.extractors.rgb ?? SettingDefaults.extractor }
    public var audioExtractor: String { audioExtractorFlag ?? config.extractors.audio ?? SettingDefaults.extractor }

    /// Where uniform picks fall inside their segments.
    public var rowMode: UniformSampler.Mode {
        (mode ?? config.sampling.mode) == .random ? .random(seed: seed ?? config.sampling.seed ?? SettingDefaults.seed) : .center
    }

    /// `--seg-num N` decodes N uniform frames; otherwise frames are taken at `--fps`, the file's fps, or 1/s.
    public var frameSampling: FrameSampling {
        if let segNum { return FrameSampling(rate: .segments(segNum, rowMode), frameSize: frameSize) }
        return FrameSampling(rate: .perSecond(fps ?? config.sampling.fps ?? SettingDefaults.framesPerSecond), frameSize: frameSize)
    }
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
