// `vigil frames` as a built binary: JSON Lines on stdout, PNGs with --out, usage errors.
import Foundation
import Testing

@Test func framesOnTheSampleMatchTheCommittedLines() throws {
    let result = try MediaCLI.vigil(["frames", "samples/media/sample.mp4", "--seg-num", "4", "--size", "32x24"])
    #expect(result.status == 0 && result.stderr.isEmpty)
    let expected = try String(contentsOf: MediaCLI.root.appendingPathComponent("samples/media/sample.frames.jsonl"), encoding: .utf8)
    #expect(result.stdout == expected)
}

@Test func outWritesOnePNGPerSampledFrame() throws {
    let out = MediaCLI.scratch.appendingPathComponent("png-\(UUID().uuidString)").path
    let result = try MediaCLI.vigil(["frames", "samples/media/sample.mp4", "--seg-num", "3", "--size", "48x32", "--out", out])
    #expect(result.status == 0)
    let lines = try MediaCLI.jsonLines(result.stdout)
    #expect(lines.map { $0["index"] as? Int } == [16, 50, 83])
    for line in lines {
        let png = try #require(line["png"] as? String)
        let probe = try MediaCLI.run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height",
                                                          "-of", "csv=p=0", png])
        #expect(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "png,48,32")
    }
}

@Test func randomModeFollowsItsSeed() throws {
    let arguments = ["frames", "samples/media/sample.mp4", "--seg-num", "5", "--mode", "random", "--size", "8x8"]
    let first = try MediaCLI.vigil(arguments + ["--seed", "7"])
    let again = try MediaCLI.vigil(arguments + ["--seed", "7"])
    let other = try MediaCLI.vigil(arguments + ["--seed", "8"])
    #expect(first.status == 0 && first.stdout == again.stdout && first.stdout != other.stdout)
    let indices = try MediaCLI.jsonLines(first.stdout).compactMap { $0["index"] as? Int }
    #expect(indices.count == 5)
    for (k, index) in indices.enumerated() { #expect((k * 20..<(k + 1) * 20).contains(index)) }
}

@Test(arguments: [["--seg-num", "0"], ["--seg-num", "3", "--size", "12"], ["--seg-num", "3", "--mode", "middle"], []])
func badFlagsAreUsageErrors(_ flags: [String]) throws {
    let result = try MediaCLI.vigil(["frames", "samples/media/sample.mp4"] + flags)
    #expect(result.status == 64 && result.stdout.isEmpty)
}
