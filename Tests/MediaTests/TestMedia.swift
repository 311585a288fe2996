// Media for the tests: made at test time with the ffmpeg CLI (lavfi sources) in a temporary folder.
import Foundation

enum TestMedia {
    /// A folder for this test process's generated files.
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-media-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The committed samples folder.
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../samples/media").standardized

    /// `name` in the test folder, made by `ffmpeg -y <arguments> <path>` unless it exists (written under a temporary
    /// name and renamed, so tests running at once never see half a file).
    static func make(_ name: String, _ arguments: [String]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: path) { return path }
        let partial = directory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        let result = try run("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-y"] + arguments + [partial])
        guard result.status == 0 else { throw TestFailure("ffmpeg failed making \(name): \(result.stderr)") }
        _ = try? FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }

    /// Runs a program to completion; returns its exit status, stdout and stderr (stderr goes through a file so a
    /// chatty program cannot block on a full pipe).
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let errPath = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errPath.path, contents: nil)
        let err = try FileHandle(forWritingTo: errPath)
        defer { try? FileManager.default.removeItem(at: errPath) }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let stderr = (try? Data(contentsOf: errPath)) ?? Data()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    // MARK: The test clips (small, fast to make)

    /// H.264, 300 frames, GOP 120, 3 B-frames (b-pyramid), MP4.
    static func h264LongGOP() throws -> String {
        try make("h264-gop120-bf3.mp4", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=12",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "120", "-keyint_min", "120", "-sc_threshold", "0", "-bf", "3",
            "-pix_fmt", "yuv420p"])
    }

    /// The long-GOP H.264 cut by stream copy at a non-keyframe: the MP4 edit list makes the demuxer mark the packets
    /// before the cut as discarded (decoded as references, never shown), so the header's count is not the frame count.
    static func h264EditList() throws -> String {
        try make("h264-edit-list.mp4", ["-ss", "2.3", "-i", try h264LongGOP(), "-c", "copy", "-t", "6"])
    }

    /// H.264 with open GOPs in Matroska (leading B-frames reference the previous GOP; cues are by pts).
    static func h264OpenGOP() throws -> String {
        try make("h264-open-gop.mkv", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=8",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-bf", "3", "-x264-params", "open_gop=1",
            "-pix_fmt", "yuv420p"])
    }

    /// The same open-GOP H.264 in MP4 (sample tables with composition offsets).
    static func h264OpenGOPMP4() throws -> String {
        try make("h264-open-gop.mp4", ["-i", try h264OpenGOP(), "-c", "copy"])
    }

    /// The long-GOP H.264 with negative composition offsets (version 1 ctts, no edit list shift): FFmpeg shifts
    /// its dts, so the sampler reads the packets instead of the sample table.
    static func h264NegativeCTS() throws -> String {
        try make("h264-negative-cts.mp4", ["-i", try h264LongGOP(), "-c", "copy", "-movflags", "negative_cts_offsets"])
    }

    /// The long-GOP H.264 in a QuickTime file.
    static func h264MOV() throws -> String {
        try make("h264-gop120-bf3.mov", ["-i", try h264LongGOP(), "-c", "copy"])
    }

    /// The long-GOP H.264 as fragmented MP4 (moof boxes, no sample table for the frames).
    static func h264Fragmented() throws -> String {
        try make("h264-fragmented.mp4", ["-i", try h264LongGOP(), "-c", "copy", "-movflags", "frag_keyframe+empty_moov"])
    }

    /// HEVC, 200 frames, GOP 50, 3 B-frames, open GOPs (x265's default CRA pictures), MP4.
    static func hevcOpenGOP() throws -> String {
        try make("hevc-open-gop.mp4", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=8",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=50:bframes=3:open-gop=1:log-level=error",
            "-pix_fmt", "yuv420p"])
    }

    /// VP9, 150 frames, GOP 60, WebM.
    static func vp9() throws -> String {
        try make("vp9.webm", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=6",
            "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-g", "60", "-b:v", "300k"])
    }

    /// MPEG-4 part 2 with 2 B-frames, GOP 50, MP4.
    static func mpeg4() throws -> String {
        try make("mpeg4-bf2.mp4", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=8",
            "-c:v", "mpeg4", "-bf", "2", "-g", "50", "-q:v", "5"])
    }

    /// Variable frame rate: 50 frames at 25 fps, then 10 fps, then 50 fps (H.264 with B-frames, Matroska).
    static func variableFrameRate() throws -> String {
        try make("vfr.mkv", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=8",
            "-vf", "setpts='if(lt(N,50),N/25,if(lt(N,100),2+(N-50)/10,7+(N-100)/50))/TB'", "-fps_mode", "vfr",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "40", "-bf", "2", "-pix_fmt", "yuv420p"])
    }

    /// Audio only (AAC in M4A).
    static func audioOnly() throws -> String {
        try make("audio-only.m4a", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2", "-c:a", "aac"])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
