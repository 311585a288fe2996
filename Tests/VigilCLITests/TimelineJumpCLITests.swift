// Timestamps that jump backwards inside a file (docs/robustness.md, "Timestamps that restart"): `watch` says so on
// stderr and keeps classifying on a new timeline.
import Foundation
import Testing

@Suite struct TimelineJumpCLITests {
    /// Two 6 s MPEG-TS segments, each starting at pts 0 (+ the muxer's offset), joined with `cat`: the timestamps
    /// jump back 6 s in the middle of the file. Windows used to stop after the first segment, without a word.
    @Test func aFileWhoseTimestampsRestartKeepsItsWindowsOnANewTimeline() throws {
        let fixture = try WatchFixture()
        let segment = try fixture.transportStream(seconds: 6, name: "segment.ts")
        let joined = fixture.folder.appendingPathComponent("joined.ts")
        let data = try Data(contentsOf: segment)
        try (data + data).write(to: joined)
        let stderrFile = fixture.folder.appendingPathComponent("stderr.txt")
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([joined.path]), stderrFile: stderrFile)
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let ends = log.of(type: "window").compactMap { $0["end_time"]?.number }
        #expect(log.of(type: "window").count >= 8, "\(log.of(type: "window").count) windows, \(vigil.lines.prefix(3)), \((try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "")")  // 4 per segment (4 before)
        #expect(ends == ends.sorted(), "window times go back")
        let stderr = try String(contentsOf: stderrFile, encoding: .utf8)
        #expect(stderr.contains("timestamps jumped back from") && stderr.contains("continuing on a new timeline"), "\(stderr)")
    }
}
