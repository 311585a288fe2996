// `vigil watch --decode`: live ffmpeg senders on 127.0.0.1 with a 1 s and a 4 s keyframe interval, and a file; the
// window lines say whether keyframes only were decoded.
import Foundation
import Testing

/// `ffmpeg -re` serving a live H.264 test pattern (10 frames/s, a keyframe every `gop` frames) as MPEG-TS to one
/// client at http://127.0.0.1:PORT.
private func httpSender(port: Int, gop: Int) throws -> ChildProcess {
    try ChildProcess("/usr/bin/ffmpeg", [
        "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "\(gop)", "-keyint_min", "\(gop)",
        "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-f", "mpegts", "-listen", "1", "http://127.0.0.1:\(port)",
    ])
}

/// The `decode` field of every window line.
private func decodes(_ lines: [String]) throws -> [String] {
    try WatchLog(lines).of(type: "window").map { $0["decode"]?.string ?? "missing" }
}

@Suite(.serialized) struct WatchKeyframeTests {
    @Test func aOneSecondGOPAtOneFramePerSecondSwitchesToKeyframesOnly() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let sender = try httpSender(port: port, gop: 10)
        Thread.sleep(forTimeInterval: 0.5)  // `-listen 1` must be listening before the reader connects
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments(["http://127.0.0.1:\(port)"]))
        #expect(vigil.waitForLines(timeoutSeconds: 25) { $0.contains { $0.contains("\"decode\":\"keyframes\"") } })
        #expect(vigil.interrupt() == 0)
        let seen = try decodes(vigil.lines)
        #expect(seen.last == "keyframes")
        #expect(!seen.contains("missing"))
        try WatchLog(vigil.lines).checkInvariants()
        _ = sender
    }

    @Test func aFourSecondGOPKeepsDecodingEveryFrameUnlessKeyframesAreForced() throws {
        let fixture = try WatchFixture()
        for (decode, expected) in [("auto", "all"), ("keyframes", "keyframes")] {
            let port = freePort()
            let sender = try httpSender(port: port, gop: 40)
            Thread.sleep(forTimeInterval: 0.5)
            let vigil = try ChildProcess(
                vigilBinary.path,
                fixture.watchArguments(["http://127.0.0.1:\(port)"], ["--decode", decode, "--no-frames-timeout", "10"]))
            #expect(vigil.waitForEvent("window", count: 3, timeoutSeconds: 30), "--decode \(decode)")
            #expect(vigil.interrupt() == 0)
            let seen = try decodes(vigil.lines)
            #expect(!seen.isEmpty && seen.allSatisfy { $0 == expected }, "--decode \(decode): \(seen)")
            _ = sender
        }
    }

    @Test func aFileIsDecodedFrameByFrameUnlessKeyframesAreAsked() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 8)
        for (extra, expected) in [([String](), "all"), (["--decode", "keyframes"], "keyframes")] {
            let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path], extra))
            #expect(vigil.waitForExit(timeoutSeconds: 30) == 0)
            let seen = try decodes(vigil.lines)
            #expect(seen.count >= 4 && seen.allSatisfy { $0 == expected }, "\(extra): \(seen)")
        }
        let bad = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path], ["--decode", "some"]))
        #expect(bad.waitForExit(timeoutSeconds: 10) == 64)
    }
}
