// `vigil info` as a built binary: one JSON document on stdout, compared with the committed expectation.
import Foundation
import Testing

@Test func infoOnTheSampleMatchesTheCommittedJSON() throws {
    let result = try MediaCLI.vigil(["info", "samples/media/sample.mp4"])
    #expect(result.status == 0 && result.stderr.isEmpty)
    let expected = try String(contentsOf: MediaCLI.root.appendingPathComponent("samples/media/sample.info.json"), encoding: .utf8)
    #expect(result.stdout == expected)
}

@Test func infoCountsFramesOfAVariableFrameRateFile() throws {
    let path = try MediaCLI.make("vfr.mkv", ["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=4",
        "-vf", "setpts='if(lt(N,50),N/25,2+(N-50)/10)/TB'", "-fps_mode", "vfr", "-c:v", "libx264", "-bf", "2"])
    let result = try MediaCLI.vigil(["info", path])
    let document = try #require(try MediaCLI.jsonLines(result.stdout).first)
    let video = try #require((document["streams"] as? [[String: Any]])?.first)
    #expect(video["frame_count"] as? Int == 100)
    #expect(video["frame_count_source"] as? String == "packets")
    #expect(document["container"] as? String == "matroska,webm")
}
