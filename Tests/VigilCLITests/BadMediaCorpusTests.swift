// The CI sample of the malformed-media corpus (tools/make_bad_media.py): every media command on every file ends
// with a result or one clear error line and a documented exit status; never a signal, never a hang.
import Foundation
import Testing

/// One run of one vigil command on one corpus file, as tools/make_bad_media.py reports it (`run --json`).
struct CorpusRun: Decodable {
    let file: String, command: String, exit: Int, stdout: String, stderr: String, verdict: String
    let timedOut: Bool, seconds: Double

    enum CodingKeys: String, CodingKey {
        case file, command, exit, stdout, stderr, verdict, seconds, timedOut = "timed_out"
    }

    var firstErrorLine: String { stderr.split(separator: "\n").first.map(String.init) ?? "" }
}

/// The vigil binary under test: `VIGIL_BINARY` (scripts/sanitize.sh points it at a sanitized build) or the debug one.
let vigilUnderTest = ProcessInfo.processInfo.environment["VIGIL_BINARY"] ?? vigilBinary.path

/// Makes the corpus sample in a temporary directory and runs every media command on it (once per test process).
let corpusRuns: Result<[CorpusRun], HarnessError> = {
    let script = repositoryRoot.appendingPathComponent("tools/make_bad_media.py").path
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bad-media-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    do {
        _ = try runToEnd("/usr/bin/python3", [script, "make", directory, "--sample"])
        let lines = try runToEnd("/usr/bin/python3", [script, "run", directory, "--vigil", vigilUnderTest, "--json",
                                                      "--timeout", "20"])
        let decoder = JSONDecoder()
        return .success(try lines.split(separator: "\n").map { try decoder.decode(CorpusRun.self, from: Data($0.utf8)) })
    } catch {
        return .failure(HarnessError("the corpus sample could not be made or run: \(error)"))
    }
}()

/// Runs a program to its end; its stdout (stderr is passed through).
private func runToEnd(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

private func run(_ file: String, _ command: String) throws -> CorpusRun {
    let runs = try corpusRuns.get()
    return try #require(runs.first { $0.file == file && $0.command == command }, "no run of \(command) on \(file)")
}

@Test func everyCorpusRunEndsCleanly() throws {
    let runs = try corpusRuns.get()
    #expect(runs.count >= 50)
    for run in runs {
        #expect(run.verdict.hasPrefix("ok"),
                "\(run.command) \(run.file): \(run.verdict), exit \(run.exit), \(run.seconds) s: \(run.firstErrorLine)")
    }
}

@Test func goodClipsGiveResults() throws {
    let info = try run("h264.mp4", "info")
    #expect(info.exit == 0)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
    let streams = try #require(document["streams"] as? [[String: Any]])
    #expect(streams.first?["frame_count"] as? Int == 30)
    let frames = try run("h264.mp4", "frames")
    #expect(frames.exit == 0)
    #expect(frames.stdout.split(separator: "\n").count == 8)
}

/// MPEG-TS followed by zeros: the demuxer loses sync once per 64 KiB (EAGAIN), which must not count as a frame.
@Test func garbageAfterAnMPEGTSClipAddsNoFrames() throws {
    let info = try run("ts-zeros-tail.ts", "info")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
    let streams = try #require(document["streams"] as? [[String: Any]])
    #expect(streams.first?["frame_count"] as? Int == 30)
    let frames = try run("ts-zeros-tail.ts", "frames")
    #expect(frames.exit == 0, "\(frames.firstErrorLine)")
    #expect(frames.stdout.split(separator: "\n").count == 8)
}

@Test func inputsThatAreNotMediaGetTheDocumentedExitAndReason() throws {
    let expected: [(file: String, exit: Int, reason: String)] = [
        ("empty.mp4", 65, "is an empty file (0 bytes)"),
        ("a-directory.mp4", 66, "is a directory, not a media file"),
        ("missing.mp4", 66, "no such file"),
        ("random-4096.mp4", 65, "cannot open"),
        ("text.mp4", 65, "cannot open"),
        ("h264.mp4.cut-32", 65, "cannot open"),
        ("fifo-endless-ts.ts", 66, "is a named pipe (FIFO), not a regular file"),
        ("dev-zero.mp4", 66, "is a character device, not a regular file"),
        ("playlist-fifo.m3u8", 65, "never-written.ts, which is a named pipe (FIFO), not a regular file"),
        ("playlist-self.m3u8", 65, "opens more than 1000 files before its first packet (a playlist naming itself?)"),
        ("list-fifo.ffconcat", 65, "is an ffconcat list, which vigil does not read"),
        ("dash-fifo.mpd", 65, "is a local DASH manifest, which vigil does not read"),
    ]
    for (file, exit, reason) in expected {
        for command in ["info", "frames"] {
            let result = try run(file, command)
            #expect(result.exit == exit, "\(command) \(file): \(result.firstErrorLine)")
            #expect(result.firstErrorLine.hasPrefix("vigil: ") && result.firstErrorLine.contains(reason),
                    "\(command) \(file): \(result.firstErrorLine)")
        }
    }
    for file in ["audio.m4a", "h264.mp4.cut-64", "mp4-no-streams.mp4"] {
        let result = try run(file, "frames")
        #expect(result.exit == 65, "\(file): \(result.firstErrorLine)")
        #expect(result.firstErrorLine.hasSuffix("has no video stream"), "\(file): \(result.firstErrorLine)")
    }
}
