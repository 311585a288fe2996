// Flags that choose which frames are decoded: a rate or a uniform count, and the frame size.
import ArgumentParser
import Pipeline

/// `--fps F` | `--seg-num N`, `--sampling center|random`, `--seed S`, `--size WxH`.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Frames per second to sample (default: the pipeline's, else 1).")
    var fps: Double?

    @Option(name: .customLong("seg-num"), help: "Sample exactly N frames spread uniformly over the video instead of a rate.")
    var segNum: Int?

    @Option(help: "Where uniform picks fall in their segments: center or random.")
    var sampling: SamplingConfig.Mode?

    @Option(help: "Seed of --sampling random.")
    var seed: UInt64?

    @Option(help: "Size of the frames given to the rgb extractor, WxH.")
    var size: String = "224x224"

    func validate() throws {
        if fps != nil, segNum != nil { throw ValidationError("give --fps or --seg-num, not both") }
        try checkRange(fps, "--fps", NumberLimits.framesPerSecond)
        try checkRange(segNum, "--seg-num", NumberLimits.segments)
        if !PipelineSettings.isFrameSize(size) { throw ValidationError("--size must be WxH with both sides in 1…16384, got '\(size)'") }
    }

    /// Applies these flags to `settings`.
    func apply(to settings: inout PipelineSettings) {
        settings.fps = fps
        settings.segNum = segNum
        settings.mode = sampling
        settings.seed = seed
        settings.setFrameSize(size)
    }
}

extension SamplingConfig.Mode: ExpressibleByArgument {}
