// Every setting a command-line flag can give, for every command (classify, predict, extract, watch, a cluster
// worker), and their one range check. `PipelineSettings` lays them over the pipeline file and the defaults.
import Foundation

/// The flags of a run; nil means "not given" (the pipeline file, a camera's entry or `SettingDefaults` decides).
/// Texts the CLI cannot check without Media's types (`--size`, `--decode`) stay texts until resolved.
public struct SettingFlags: Sendable, Equatable {
    /// `--weights`, `--labels`, `--top-k`.
    public var weights: URL?
    public var labels: URL?
    public var topK: Int?
    /// `--fps`; `--seg-num` (classify and extract: decode exactly N uniform frames; every command: AttentionCluster's
    /// picks per video or window); `--sampling`, `--seed`; `--size WxH`.
    public var fps: Double?
    public var segNum: Int?
    public var mode: SamplingConfig.Mode?
    public var seed: UInt64?
    public var frameSize: String?
    /// `--rgb-extractor`, `--audio-extractor`, `--extractor-timeout`.
    public var rgbExtractor: String?
    public var audioExtractor: String?
    public var extractorTimeout: Double?
    /// Watch: `--window`, `--stride`, `--retry-interval`, `--no-frames-timeout`, `--rtsp-transport`, `--decode`.
    public var window: Double?
    public var stride: Double?
    public var retryInterval: Double?
    public var noFramesTimeout: Double?
    public var rtspTransport: String?
    public var decoding: String?
    /// `--clips DIR` (every camera; a camera's `clips:` otherwise), `--clip-pre`, `--clip-post`, `--clips-max-bytes`.
    public var clipsDirectory: String?
    public var clipPre: Double?
    public var clipPost: Double?
    public var clipsMaxBytes: Int64?

    /// No flags.
    public init() {}

    /// The first flag out of range or unknown, as "--name must be …" (`NumberLimits`), nil when all are good. The
    /// CLI turns it into a usage error (exit 64) before a command runs; values from a pipeline file are checked by
    /// its loader, and the merged camera settings again by `WatchSettings.validated`.
    public var problem: String? {
        if let topK, topK < 1 { return "--top-k must be at least 1" }
        if let segNum, let problem = NumberLimits.problem(segNum, in: NumberLimits.segments) { return "--seg-num \(problem)" }
        if let fps, let problem = NumberLimits.problem(fps, in: NumberLimits.framesPerSecond) { return "--fps \(problem)" }
        let durations: [(String, Double?)] = [
            ("--extractor-timeout", extractorTimeout), ("--window", window), ("--stride", stride),
            ("--retry-interval", retryInterval), ("--no-frames-timeout", noFramesTimeout),
        ]
        for case let (name, value?) in durations {
            if let problem = NumberLimits.problem(value, in: NumberLimits.seconds) { return "\(name) \(problem)" }
        }
        for case let (name, value?) in [("--clip-pre", clipPre), ("--clip-post", clipPost)] {
            if let problem = NumberLimits.problem(value, in: 0...NumberLimits.seconds.upperBound) { return "\(name) \(problem)" }
        }
        if let clipsMaxBytes, clipsMaxBytes <= 0 { return "--clips-max-bytes must be positive, got \(clipsMaxBytes)" }
        if let frameSize, !PipelineSettings.isFrameSize(frameSize) {
            return "--size must be WxH with both sides in 1…16384, got '\(frameSize)'"
        }
        if let rtspTransport, !["tcp", "udp"].contains(rtspTransport) { return "--rtsp-transport must be tcp or udp" }
        if let decoding, !PipelineSettings.isDecoding(named: decoding) { return "--decode must be auto, all or keyframes" }
        return nil
    }
}
