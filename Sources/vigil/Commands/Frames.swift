// `vigil frames INPUT --seg-num N`: the uniformly sampled frames as JSON Lines, optionally as PNG files too.
import ArgumentParser
import Foundation
import Pipeline

struct Frames: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sample --seg-num frames uniformly (exactly, seeking where it pays) and print one JSON line per frame.",
        discussion: """
            Each line has "index" (presentation order), "pts" (seconds), "width", "height", "damaged_frames" and \
            "missing_frames" (damaged frames are skipped, not fatal), and "png" with --out. See docs/media.md.
            """)

    /// The sampling rule inside each segment.
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case center, random
    }

    @Argument(help: "A media file (or URL) with a video stream.")
    var input: String

    @Option(name: .customLong("seg-num"), help: "How many frames to sample (one per equal segment).")
    var segNum: Int

    @Option(help: "center: the middle frame of each segment; random: a seeded random frame in each segment.")
    var mode: Mode = .center

    @Option(help: "Seed for --mode random (SplitMix64).")
    var seed: UInt64 = 0

    @Option(help: "Frame size WxH, e.g. 224x224 (default: the video's own size).")
    var size: String?

    @Option(help: "Also write each sampled frame as a PNG into this directory (created if missing).")
    var out: String?

    func validate() throws {
        guard segNum >= 1 else { throw ValidationError("--seg-num must be at least 1") }
        if let size, !PipelineSettings.isFrameSize(size) { throw ValidationError("--size must look like 224x224 (1 to 16384 each)") }
    }

    func run() throws {
        try reportingFailures {
            let lines = try FrameExport.sample(
                input, count: segNum, random: mode == .random, seed: seed, size: size, pngFolder: out)
            for line in lines { try StandardOutput.writeLine(line) }
        }
    }
}
