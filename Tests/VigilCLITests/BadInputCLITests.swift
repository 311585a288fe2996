// Bad input through the binary: one line on stderr naming the file and the reason, a documented exit, JSON only on
// stdout, no hang (docs/media.md, "Exit codes for bad input").
import Foundation
import Testing

/// Checks the failure shape and returns the stderr line.
@discardableResult
private func expectFailure(_ arguments: [String], status: Int32, naming path: String, reason: String) throws -> MediaCLI.Result {
    let result = try MediaCLI.vigil(arguments, limit: 60)
    #expect(!result.timedOut, "vigil \(arguments) hung")
    #expect(result.status == status, "exit status of vigil \(arguments): \(result.stderr)")
    #expect(result.stderrLines.count == 1, "stderr of vigil \(arguments): \(result.stderr)")
    let line = result.stderrLines.first ?? ""
    #expect(line.hasPrefix("vigil: \(path): ") && line.contains(reason), "\(line)")
    _ = try MediaCLI.jsonLines(result.stdout)
    return result
}

/// `count` bytes of fixed pseudo-random noise (xorshift64), the same on every run.
private func noiseBytes(_ count: Int) -> Data {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    return Data((0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state >> 32)
    })
}

private let sample = MediaCLI.root.appendingPathComponent("samples/media/sample.mp4").path

@Test(arguments: ["info", "frames"])
func missingPathAndDirectory(_ command: String) throws {
    let extra = command == "frames" ? ["--seg-num", "3"] : []
    try expectFailure([command, "/no/such/file.mp4"] + extra, status: 66, naming: "/no/such/file.mp4", reason: "no such file")
    let directory = MediaCLI.scratch.path
    try expectFailure([command, directory] + extra, status: 66, naming: directory, reason: "is a directory")
}

@Test func zeroBytesAndRandomBytes() throws {
    let empty = try MediaCLI.damaged(sample, "empty.mp4") { $0 = Data() }
    try expectFailure(["info", empty], status: 65, naming: empty, reason: "empty file")
    let noise = try MediaCLI.damaged(sample, "noise.mp4") { data in data = noiseBytes(200_000) }
    // Nothing recognises noise, so FFmpeg falls back to the .mp4 extension's demuxer, which says what it missed.
    try expectFailure(["frames", noise, "--seg-num", "4"], status: 65, naming: noise, reason: "cannot open (moov atom not found)")
}

@Test func truncatedMP4WithoutMoov() throws {
    // ffmpeg writes moov at the end, so the first 40 kB hold ftyp and part of mdat only.
    let truncated = try MediaCLI.damaged(sample, "no-moov.mp4") { $0 = $0.prefix(40_000) }
    try expectFailure(["info", truncated], status: 65, naming: truncated, reason: "cannot open (moov atom not found)")
    try expectFailure(["frames", truncated, "--seg-num", "4"], status: 65, naming: truncated, reason: "cannot open (moov atom not found)")
}

@Test func audioOnlyFileAskedForFrames() throws {
    let audio = try MediaCLI.make("tone.m4a", ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac"])
    try expectFailure(["frames", audio, "--seg-num", "4"], status: 65, naming: audio, reason: "has no video stream")
    #expect(try MediaCLI.vigil(["info", audio]).status == 0)
}

@Test func corruptPacketsInTheMiddle() throws {
    // The middle fifth of the sample overwritten with noise: sampled frames there cannot be decoded.
    let corrupt = try MediaCLI.damaged(sample, "corrupt-middle.mp4") { data in
        let range = (data.count * 2 / 5)..<(data.count * 3 / 5)
        data.replaceSubrange(range, with: noiseBytes(range.count))
    }
    let result = try expectFailure(["frames", corrupt, "--seg-num", "10"], status: 65, naming: corrupt,
                                   reason: "sampled frames could not be decoded")
    #expect(result.stdout.isEmpty)
}

@Test func aDamagedFrameInAGoodFileIsSkippedAndCounted() throws {
    // Intra-only MJPEG: zeroing packet 38 damages exactly that frame, which the dense sampling decodes on its way
    // from target 37 to target 42 without sampling it.
    let clean = try MediaCLI.make("mjpeg.mp4", ["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=4",
                                                "-c:v", "mjpeg", "-q:v", "5"])
    let packet = try MediaCLI.packet(38, of: clean)
    let damaged = try MediaCLI.damaged(clean, "mjpeg-damaged.mp4") { data in
        data.replaceSubrange(packet.position..<(packet.position + packet.size), with: Data(count: packet.size))
    }
    let result = try MediaCLI.vigil(["frames", damaged, "--seg-num", "20"])
    #expect(result.status == 0)
    let lines = try MediaCLI.jsonLines(result.stdout)
    #expect(lines.count == 20)
    #expect(lines.last?["damaged_frames"] as? Int == 1 && lines.last?["missing_frames"] as? Int == 0)
    #expect(result.stderrLines.count == 1 && result.stderr.contains("1 damaged frames skipped"))
}
