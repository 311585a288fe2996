// `vigil frames INPUT --seg-num N`: the uniformly sampled frames as JSON Lines, optionally as PNG files too.
import ArgumentParser
import Formats
import Foundation
import Media
import Pipeline
import Models

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
        if let size, FrameSize(size) == nil { throw ValidationError("--size must look like 224x224 (1 to 16384 each)") }
    }

    func run() throws {
        try reportingFailures {
            let source = try MediaSource(url: input)
            let sampler = UniformSampler(segments: segNum, mode: mode == .center ? .center : .random(seed: seed))
            let writer = try out.map { directory in try Self.pngWriter(into: directory) }
            var lines: [Line] = []  // printed only once the run has succeeded: a failure leaves stdout empty
            let picks = sampler.indices(frameCount: try source.videoFrameCount())
            let report = try source.frames(at: picks, size: size.flatMap(FrameSize.init)) { frame, progress in
                var line = Line(frame, progress)
                if let writer, let out {
                    line.png = (out as NSString).appendingPathComponent(String(format: "frame-%06d.png", frame.index))
                    let path = line.png ?? ""
                    try OutputFile.write(try writer.encode(frame, for: path), to: URL(fileURLWithPath: path))
                }
                lines.append(line)
            }
            try Self.check(report, sampled: segNum, input)
            for line in lines { try StandardOutput.writeLine(line) }
        }
    }

    /// One output line.
    struct Line: Encodable {
        let index: Int, width: Int, height: Int, damagedFrames: Int, missingFrames: Int
        /// Seconds; nil (JSON null) for a frame the container gave no timestamp.
        let pts: Double?
        var png: String?

        init(_ frame: VideoFrame, _ progress: SamplingReport) {
            (index, width, height) = (frame.index, frame.width, frame.height)
            pts = frame.pts.isFinite ? frame.pts : nil
            (damagedFrames, missingFrames) = (progress.damagedFrames, progress.missingFrames)
        }

        enum CodingKeys: String, CodingKey {
            case index, pts, width, height, png, damagedFrames = "damaged_frames", missingFrames = "missing_frames"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(pts, forKey: .pts)  // null, not omitted, when unknown
            try c.encode(width, forKey: .width)
            try c.encode(height, forKey: .height)
            try c.encodeIfPresent(png, forKey: .png)
            try c.encode(damagedFrames, forKey: .damagedFrames)
            try c.encode(missingFrames, forKey: .missingFrames)
        }
    }

    private static func pngWriter(into directory: String) throws -> PNGWriter {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MediaError(.output, directory, "cannot create the output directory")
        }
        return try PNGWriter()
    }

    /// Damaged frames the sampled ones depended on are a warning; sampled frames that could not be decoded make the
    /// output incomplete, which is an error (65, with nothing on stdout).
    private static func check(_ report: SamplingReport, sampled: Int, _ input: String) throws {
        if report.frameCount == 0 { throw MediaError(.malformed, input, "has a video stream without frames") }
        if report.missingFrames > 0 {
            throw MediaError(.malformed, input, "\(report.missingFrames) of \(sampled) sampled frames could not be decoded "
                             + "(corrupt data; \(report.damagedFrames) damaged frames)")
        }
        if report.damagedFrames > 0 {
            FileHandle.standardError.write(Data("vigil: warning: \(input): \(report.damagedFrames) damaged frames skipped\n".utf8))
        }
    }
}
