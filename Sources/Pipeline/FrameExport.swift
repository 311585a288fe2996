// `vigil frames`: the uniformly sampled frames of a video, exactly, as JSON-ready lines and optionally PNG files.
import Formats
import Foundation
import Media
import Models

/// Samples `count` frames uniformly (UniformSampler's picks, decoded exactly by Media) and describes each.
public enum FrameExport {
    /// The lines of the sampled frames, in presentation order; with `pngFolder` (created if missing) each frame is
    /// also written there as `frame-NNNNNN.png`. Fails (nothing to print) when a sampled frame cannot be decoded.
    public static func sample(
        _ input: String, count: Int, random: Bool, seed: UInt64, size: String?, pngFolder out: String?
    ) throws -> [Line] {
        let source = try MediaSource(url: input)
        let sampler = UniformSampler(segments: count, mode: random ? .random(seed: seed) : .center)
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
        try Self.check(report, sampled: count, input)
        return lines
    }

    /// One output line.
    public struct Line: Encodable, Sendable {
        public let index: Int, width: Int, height: Int, damagedFrames: Int, missingFrames: Int
        /// Seconds; nil (JSON null) for a frame the container gave no timestamp.
        public let pts: Double?
        public var png: String?

        init(_ frame: VideoFrame, _ progress: SamplingReport) {
            (index, width, height) = (frame.index, frame.width, frame.height)
            pts = frame.pts.isFinite ? frame.pts : nil
            (damagedFrames, missingFrames) = (progress.damagedFrames, progress.missingFrames)
        }

        enum CodingKeys: String, CodingKey {
            case index, pts, width, height, png, damagedFrames = "damaged_frames", missingFrames = "missing_frames"
        }

        public func encode(to encoder: any Encoder) throws {
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
