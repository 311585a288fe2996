// `vigil classify -` and `vigil watch -`: a stream on standard input (ffmpeg … -f mpegts - | vigil …), read once,
// in order, as a live source.
import Foundation
import Testing

/// `ffmpeg` remuxing a bundled clip to MPEG-TS on its stdout, piped into `vigil <arguments>`.
private func piped(_ clip: String, _ arguments: String) throws -> MediaCLI.Result {
    let ffmpeg = "/usr/bin/ffmpeg -hide_banner -loglevel error -i \(clip) -c copy -f mpegts -"
    return try MediaCLI.run("/bin/sh", ["-c", "\(ffmpeg) | \(MediaCLI.binary.path) \(arguments)"])
}

@Suite(.serialized) struct StandardInputTests {
    @Test func classifyReadsStandardInputAndScoresAsTheFile() throws {
        let file = try MediaCLI.vigil(["classify", "samples/demo/clips/test_0118.mp4", "--pipeline", "pipelines/default.yaml"])
        let stream = try piped("samples/demo/clips/test_0118.mp4", "classify - --pipeline pipelines/default.yaml")
        #expect(stream.status == 0, "\(stream.stderr)")
        let a = try #require(JSONSerialization.jsonObject(with: Data(file.stdout.utf8)) as? [String: Any])
        let b = try #require(JSONSerialization.jsonObject(with: Data(stream.stdout.utf8)) as? [String: Any])
        #expect(b["source"] as? String == "-")
        #expect(b["sampled_frames"] as? Int == a["sampled_frames"] as? Int)
        #expect((b["top_k"] as? [[String: Any]])?.map { $0["score"] as? Double } == (a["top_k"] as? [[String: Any]])?.map { $0["score"] as? Double })
    }

    @Test func classifyRefusesCountSamplingOnStandardInput() throws {
        let result = try piped("samples/media/sample.mp4", "classify - --pipeline pipelines/default.yaml --seg-num 4")
        #expect(result.status == 64)
        #expect(result.stderrLines.contains { $0.hasPrefix("vigil: -: is standard input") }, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func watchTreatsStandardInputAsALiveSourceThatEndsWithTheStream() throws {
        let result = try piped(
            "samples/demo/clips/test_0118.mp4", "watch - --pipeline pipelines/default.yaml --window 4 --stride 2")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(lines.first?["state"] as? String == "online")
        #expect(lines.last?["state"] as? String == "offline")
        #expect(lines.last?["reason"] as? String == "end of stream")
        #expect(lines.allSatisfy { $0["camera"] as? String == "-" })
        #expect(lines.contains { $0["type"] as? String == "window" })
        let starts = lines.filter { $0["type"] as? String == "start" }.count
        #expect(starts == lines.filter { $0["type"] as? String == "end" }.count)
    }
}
