// Every default a run falls back to when neither a flag, a camera entry nor the pipeline file gives a value:
// each defined once, here (AttentionCluster's seg_num is the model catalogue's, `ModelKind.defaultSegNum`).

/// The last layer of the resolution flags → camera → pipeline file → defaults (`PipelineSettings`).
public enum SettingDefaults {
    /// Frames sampled per second of video.
    public static let framesPerSecond = 1.0
    /// Classes each result lists.
    public static let topK = 5
    /// Seed of random row sampling.
    public static let seed: UInt64 = 0
    /// The extractor of either modality.
    public static let extractor = "builtin"
    /// Seconds an exec plug-in may take per frame or window.
    public static let extractorTimeout = 30.0
    /// Watch: seconds of stream between classifications.
    public static let strideSeconds = 2.0
    /// Watch: first delay before reconnecting a lost camera.
    public static let retrySeconds = 10.0
    /// Watch: seconds without a frame before a camera counts as stalled.
    public static let noFramesTimeoutSeconds = 20.0
    /// Watch: the most windows (of different cameras) in one forward pass; 1: each camera classifies on its own.
    /// Off by default: on a saturated CPU the few batch threads lose their share to the decode threads
    /// (docs/benchmarks.md, "Cross-camera batching").
    public static let watchBatchSize = 1
    /// Watch: how rtsp:// cameras are reached ("tcp" or "udp").
    public static let rtspTransport = "tcp"
    /// Clips: seconds recorded before an event's start and after its end.
    public static let clipMarginSeconds = 5.0
}
