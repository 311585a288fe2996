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

    /// A 6 s segment followed by one muxed 3 s short of MPEG-TS's 33-bit wrap (`-output_ts_offset 95440`): FFmpeg
    /// reads the second segment 26.5 hours ahead, then wraps back to 0. Events used to be stamped 26 hours in the
    /// future; both jumps now start a new timeline, and window times stay within the file's own length of the first.
    @Test func aMisreadWrapThatLeapsForwardStartsANewTimelineInsteadOfStampingTheFuture() throws {
        let fixture = try WatchFixture()
        let first = try Data(contentsOf: try fixture.transportStream(seconds: 6, name: "first.ts"))
        let wrap = try Data(contentsOf: try fixture.transportStream(seconds: 6, name: "wrap.ts", ["-output_ts_offset", "95440"]))
        let joined = fixture.folder.appendingPathComponent("joined.ts")
        try (first + wrap).write(to: joined)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: joined.path)
        let stderrFile = fixture.folder.appendingPathComponent("stderr.txt")
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([joined.path]), stderrFile: stderrFile)
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let windows = log.of(type: "window")
        let ends = windows.compactMap { $0["end_time"]?.number }, pts = windows.compactMap { $0["end_pts"]?.number }
        #expect(windows.count >= 8, "\(pts)")
        #expect(pts.contains { $0 > 95_000 }, "\(pts)")  // the leap is in the file as FFmpeg reads it
        #expect(ends == ends.sorted(), "window times go back")
        #expect((ends.last ?? 0) - (ends.first ?? 0) < 20, "\(ends)")  // 12 s of video, not 26 hours
        let stderr = try String(contentsOf: stderrFile, encoding: .utf8)
        #expect(stderr.contains("timestamps jumped forward from 6.40 s to 95441.40 s; continuing on a new timeline"), "\(stderr)")
        #expect(stderr.contains("timestamps jumped back from"), "\(stderr)")
    }
}
