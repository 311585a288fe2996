// Flags that choose which frames are decoded: a rate or a uniform count, and the frame size.
import ArgumentParser
import Pipeline

/// `--fps F` | `--seg-num N`, `--sampling center|random`, `--seed S`, `--size WxH`.
struct SamplingOptions: SettingFlagGroup {
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
        try checkFlags()
    }

    func apply(to flags: inout SettingFlags) {
        flags.fps = fps
        flags.segNum = segNum
        flags.mode = sampling
        flags.seed = seed
        flags.frameSize = size
    }
}

extension SamplingConfig.Mode: ExpressibleByArgument {}
