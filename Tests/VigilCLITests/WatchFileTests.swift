// `vigil watch` on files: windows, an event lifecycle, a clean end, bad inputs.
import Foundation
import Testing

@Suite(.serialized) struct WatchFileTests {
    @Test func aFileIsWatchedToItsEndAndEveryStartGetsItsEnd() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 8)
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path]))
        #expect(vigil.waitForExit(timeoutSeconds: 30) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(log.states(clip.path) == ["online", "offline"])
        #expect(log.of(type: "status").last?["reason"]?.string == "end of file")
        let windows = log.of(type: "window")
        #expect(windows.count == 7)  // a window per second from pts 1 to 7
        #expect(windows.allSatisfy { $0["frames"]?.number == 4 })
        guard case .array(let best)? = windows.first?["top_k"] else { Issue.record("no top_k"); return }
        #expect(best.count == 2)
        #expect(best.first?["label"]?.string == "always")
        let starts = log.of(type: "start")
        #expect(starts.count == 1)
        #expect(starts.first?["label"]?.string == "always")
        #expect(log.of(type: "end").first?["reason"]?.string == "shutdown")
    }

    @Test func windowLinesCanBeTurnedOffAndCamerasComeFromThePipeline() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 5)
        let pipeline = fixture.folder.appendingPathComponent("watch.yaml")
        try """
            model: {type: attention_cluster, weights: tiny.safetensors, labels: tiny.labels.txt}
            sampling: {seg_num: 4, fps: 2}
            watch:
              window: 3
              stride: 1
              events: {on: 0.6, off: 0.4, min_windows: 1, max_quiet: 5, labels: {always: {on: 0.99999}}}
            cameras:
              lobby: {url: \(clip.lastPathComponent)}
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        let vigil = try ChildProcess(
            vigilBinary.path, ["watch", "--pipeline", pipeline.path, "--no-window-events"],
            stderrFile: fixture.folder.appendingPathComponent("stderr.txt"))
        #expect(vigil.waitForExit(timeoutSeconds: 30) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(log.of(type: "window").isEmpty)
        #expect(log.states("lobby") == ["online", "offline"])
        #expect(log.of(type: "start").isEmpty)  // "always" scores 0.9997 < its own on: 0.99999
    }

    @Test func theExamplePipelineParsesAndDrivesAWatch() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 6)
        let pipeline = repositoryRoot.appendingPathComponent("pipelines/watch-camera.yaml").path
        let vigil = try ChildProcess(
            vigilBinary.path, ["watch", clip.path, "--pipeline", pipeline, "--weights", fixture.weights.path])
        #expect(vigil.waitForExit(timeoutSeconds: 30) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(log.of(type: "window").count == 2)  // stride 2 s over 6 s of stream
        let best = log.lines.first { $0.contains("\"type\":\"window\"") } ?? ""
        #expect(best.contains("\"label\":\"motion\""))  // class 0's name from the pipeline's label file
    }

    @Test func aFileStillBeingWrittenIsTailedUntilItStopsGrowing() throws {
        let fixture = try WatchFixture()
        let growing = fixture.folder.appendingPathComponent("growing.ts")
        let writer = try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "8",
             "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p", "-f", "mpegts",
             "-flush_packets", "1", growing.path])
        let deadline = Date(timeIntervalSinceNow: 15)  // start once about a second has been written
        while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: growing.path)[.size]) as? Int ?? 0) < 30_000 {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([growing.path], ["--no-frames-timeout", "5"]))
        #expect(writer.waitForExit(timeoutSeconds: 20) == 0)
        #expect(vigil.waitForExit(timeoutSeconds: 20) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(log.states(growing.path) == ["online", "offline"])
        #expect(log.of(type: "status").last?["reason"]?.string == "end of file")
        let lastWindow = try #require(log.of(type: "window").last?["end_pts"]?.number)
        #expect(lastWindow >= 6)  // written after vigil opened the file
    }

    /// A complete file written a moment ago is tailed (it might still grow) and must give the windows it gives once
    /// it is old. It used to give `online`, then `end of file` and no window: probing waited at the end of the data
    /// for the whole no-frames timeout, and the no-frames watchdog then aborted the connection.
    @Test func aCompleteFileJustWrittenGivesTheWindowsItGivesWhenOld() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.transportStream(seconds: 6, name: "fresh.ts")
        func windows() throws -> (ends: [Double], seconds: Double) {
            let started = Date()
            let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path]))
            #expect(vigil.waitForExit(timeoutSeconds: 30) == 0)
            let log = try WatchLog(vigil.lines)
            try log.checkInvariants()
            #expect(log.states(clip.path) == ["online", "offline"])
            #expect(log.of(type: "status").last?["reason"]?.string == "end of file")
            return (log.of(type: "window").compactMap { $0["end_pts"]?.number }, Date().timeIntervalSince(started))
        }
        let fresh = try windows()
        #expect(fresh.seconds >= 3)  // it was tailed: it ended after 3 s (--no-frames-timeout) without growth
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: clip.path)
        let old = try windows()
        #expect(old.ends.map { ($0 * 10).rounded() / 10 } == [3.4, 4.4, 5.4, 6.4])  // pts 1.4 … 7.3, a frame a second
        #expect(fresh.ends == old.ends)
    }

    @Test func aMissingFileIsOneLineOnStderrAndExit66() throws {
        let fixture = try WatchFixture()
        let stderr = fixture.folder.appendingPathComponent("stderr.txt")
        let missing = fixture.folder.appendingPathComponent("nope.mp4").path
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([missing]), stderrFile: stderr)
        #expect(vigil.waitForExit(timeoutSeconds: 20) == 66)
        let message = try String(contentsOf: stderr, encoding: .utf8)
        #expect(message.hasPrefix("vigil: \(missing): no such file"))
        #expect(message.split(separator: "\n").count == 1)
        try WatchLog(vigil.lines).checkInvariants()
    }

    @Test func aClosedStdoutEndsTheWatchWithExit74() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 8)
        let process = Process()
        process.executableURL = vigilBinary
        process.arguments = fixture.watchArguments([clip.path])
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try stdout.fileHandleForReading.close()  // nobody will ever read the events
        try process.run()
        let deadline = Date(timeIntervalSinceNow: 20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning)
        if process.isRunning { process.terminate() }
        #expect(process.terminationReason == .exit && process.terminationStatus == 74)
    }

    @Test func aPipelineWithoutWeightsIsAUsageError() throws {
        let fixture = try WatchFixture()
        let pipeline = fixture.folder.appendingPathComponent("no-model.yaml")
        try "watch: {stride: 2}\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let stderr = fixture.folder.appendingPathComponent("stderr.txt")
        let vigil = try ChildProcess(
            vigilBinary.path, ["watch", "udp://127.0.0.1:9", "--pipeline", pipeline.path], stderrFile: stderr)
        #expect(vigil.waitForExit(timeoutSeconds: 20) == 64)
        #expect(vigil.lines.isEmpty)
        #expect(try String(contentsOf: stderr, encoding: .utf8).hasPrefix("vigil: vigil watch: no weights"))
    }
}
