// `vigil watch --clips`: a snapshot per start and a clip per end, from files and live senders on 127.0.0.1, with
// the faults the issue names: the sender dies mid-event, SIGTERM during a clip, the folder limit, `ulimit -f`.
import Foundation
import Testing

/// `ffmpeg -re` serving test video (320×240, 10 fps, 2 s GOP) as MPEG-TS over HTTP to one client (TCP: a loaded
/// machine loses UDP datagrams, and a clip must then show the damage); `codec` is libx264 or libx265.
private func gopSender(port: Int, codec: String = "libx264", audio: Bool = false) throws -> ChildProcess {
    let video = codec == "libx265"
        ? ["-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency",
           "-x265-params", "keyint=20:min-keyint=20:log-level=error"]
        : ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "20", "-keyint_min", "20"]
    let sender = try ChildProcess(
        "/usr/bin/ffmpeg",
        ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10"]
            + (audio ? ["-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=16000", "-c:a", "aac"] : [])
            + video + ["-pix_fmt", "yuv420p", "-f", "mpegts", "-listen", "1", "http://127.0.0.1:\(port)"])
    Thread.sleep(forTimeInterval: 0.5)  // `-listen 1` must be listening before the reader connects
    return sender
}

/// `ffmpeg -re` serving MJPEG over HTTP (multipart, as IP cameras do) to one client.
private func mjpegSender(port: Int) throws -> ChildProcess {
    try ChildProcess(
        "/usr/bin/ffmpeg",
        ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
         "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1", "http://127.0.0.1:\(port)"])
}

private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// The clip plays to its end without an error, starts on a keyframe, and has sound when `audio`.
private func checkPlayable(_ path: String, audio: Bool, codec: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(FileManager.default.fileExists(atPath: path), "no clip at \(path)", sourceLocation: sourceLocation)
    #expect(!FileManager.default.fileExists(atPath: path + ".part"), sourceLocation: sourceLocation)
    let decode = try run("/usr/bin/ffmpeg", ["-hide_banner", "-v", "error", "-i", path, "-f", "null", "-"])
    #expect(decode.status == 0 && decode.stderr.isEmpty, "\(path): \(decode.stderr)", sourceLocation: sourceLocation)
    let streams = try run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", path])
    #expect(streams.stdout.contains(codec), "\(streams.stdout)", sourceLocation: sourceLocation)
    #expect(streams.stdout.contains("audio") == audio, "\(streams.stdout)", sourceLocation: sourceLocation)
    let first = try run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags",
                                             "-read_intervals", "%+#1", "-of", "csv=p=0", path])
    #expect(first.stdout.hasPrefix("K"), "first packet: \(first.stdout)", sourceLocation: sourceLocation)
}

/// The video's length in seconds (ffprobe).
private func videoSeconds(_ path: String) throws -> Double {
    let result = try run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time",
                                              "-of", "csv=p=0", path])
    let times = result.stdout.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    return (times.max() ?? 0) - (times.min() ?? 0)
}

@Suite(.serialized) struct WatchClipsTests {
    @Test func aFileGetsASnapshotPerStartAndAClipPerEndWithoutClipsTheLinesHaveNoPaths() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 8)
        let folder = fixture.folder.appendingPathComponent("clips")
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--clips", folder.path, "--clip-pre", "2"]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let start = try #require(log.of(type: "start").first)
        let snapshot = try #require(start["snapshot"]?.string)
        #expect(snapshot.hasPrefix(folder.path) && snapshot.hasSuffix(".jpg"))
        let size = try run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", snapshot])
        #expect(size.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "mjpeg,320,240")
        let end = try #require(log.of(type: "end").first)
        let path = try #require(end["clip"]?.string)
        try checkPlayable(path, audio: false, codec: "h264")
        #expect(try videoSeconds(path) >= 7.5)  // the event spans the file: the clip is the whole 8 s

        let plain = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path]))
        #expect(plain.waitForExit(timeoutSeconds: 60) == 0)
        #expect(!plain.lines.contains { $0.contains("\"snapshot\"") || $0.contains("\"clip\"") })
    }

    @Test func sigtermDuringALiveH264ClipWithSoundFinalisesIt() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let sender = try gopSender(port: port, audio: true)
        let folder = fixture.folder.appendingPathComponent("clips")
        let httpPort = freePort()
        let vigil = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments(["http://127.0.0.1:\(port)"], ["--clips", folder.path, "--clip-pre", "3", "--clip-post", "1",
                                                                  "--http", "127.0.0.1:\(httpPort)"]))
        #expect(vigil.waitForEvent("start", timeoutSeconds: 20))
        Thread.sleep(forTimeInterval: 4)
        // /metrics counts the camera's dropped clip packets (none here: the disk keeps up, the ring is far from full).
        let values = samples(try httpGet("http://127.0.0.1:\(httpPort)/metrics").body)
        let camera = "camera=\"http://127.0.0.1:\(port)\""
        #expect(values["vigil_camera_clip_packets_dropped_total{\(camera),stage=\"ring\"}"] == 0)
        #expect(values["vigil_camera_clip_packets_dropped_total{\(camera),stage=\"writer\"}"] == 0)
        #expect(vigil.interrupt(SIGTERM) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let end = try #require(log.of(type: "end").first)
        #expect(end["reason"]?.string == "shutdown")
        let path = try #require(end["clip"]?.string)
        #expect(path.hasSuffix(".mp4"))
        try checkPlayable(path, audio: true, codec: "h264")
        #expect(try videoSeconds(path) >= 4)
        let snapshot = try #require(log.of(type: "start").first?["snapshot"]?.string)
        #expect(FileManager.default.fileExists(atPath: snapshot))
        _ = sender
    }

    @Test func theSenderDyingMidEventClosesTheClipAtItsLastPacket() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let pipeline = fixture.folder.appendingPathComponent("watch.yaml")
        let folder = fixture.folder.appendingPathComponent("clips")
        try """
            watch: {events: {min_windows: 1, max_quiet: 2}}
            cameras:
              gate: {url: "http://127.0.0.1:\(port)", clips: clips, clip_pre: 2, clip_post: 1}
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        let sender = try gopSender(port: port, codec: "libx265")
        // x265 starts slowly on a loaded machine: give the first connection longer than the usual 3 s.
        let arguments = fixture.watchArguments([], ["--pipeline", pipeline.path, "--no-frames-timeout", "10"])
        let stderr = fixture.folder.appendingPathComponent("stderr.log")
        let vigil = try ChildProcess(vigilBinary.path, arguments, stderrFile: stderr)
        #expect(vigil.waitForEvent("start", timeoutSeconds: 20),
                "\(vigil.lines) \((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")")
        Thread.sleep(forTimeInterval: 3)
        sender.send(SIGKILL)
        #expect(vigil.waitForEvent("end", timeoutSeconds: 20))
        #expect(vigil.interrupt() == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let end = try #require(log.of(type: "end").first)
        #expect(end["reason"]?.string == "offline")
        let path = try #require(end["clip"]?.string)
        #expect(path.hasPrefix(folder.path))  // `clips:` is relative to the pipeline file
        try checkPlayable(path, audio: false, codec: "hevc")
    }

    @Test func aSenderThatDiesAndComesBackMidEventGetsTheFirstClipClosedAndTheRestInASecond() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let url = "http://127.0.0.1:\(port)"
        let folder = fixture.folder.appendingPathComponent("clips")
        var sender = try gopSender(port: port, audio: true)
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([url], ["--clips", folder.path, "--clip-pre", "2", "--clip-post", "1"]))
        #expect(vigil.waitForEvent("start", timeoutSeconds: 20))
        Thread.sleep(forTimeInterval: 3)
        sender.send(SIGKILL)
        #expect(vigil.waitForStatus("reconnecting", timeoutSeconds: 10))
        // The first clip is finished (renamed) at the last packet of the first connection, before the camera is back.
        let clipsInFolder = { ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".mp4") } }
        let deadline = Date(timeIntervalSinceNow: 5)
        while clipsInFolder().isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(clipsInFolder().count == 1)
        sender = try gopSender(port: port, audio: true)
        #expect(vigil.waitForStatus("online", count: 2, timeoutSeconds: 20))
        Thread.sleep(forTimeInterval: 4)
        #expect(vigil.interrupt(SIGTERM) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(log.states(url, include: ["online", "reconnecting", "online"]))
        #expect(log.of(type: "start").count == 1)  // the drop was shorter than max_quiet (10 s): one event
        let end = try #require(log.of(type: "end").first)
        #expect(end["reason"]?.string == "shutdown")
        let clips = (0..<3).compactMap { end["clips"]?[$0]?.string }
        #expect(clips.count == 2 && clips.first == end["clip"]?.string, "\(end)")
        #expect(clipsInFolder().count == 2)
        for path in clips { try checkPlayable(path, audio: true, codec: "h264") }
        #expect(try videoSeconds(try #require(clips.first)) >= 3)  // up to the drop: pre-roll, then 3 s of event
        #expect(try videoSeconds(try #require(clips.last)) >= 2)  // from the first keyframe after the reconnect
        _ = sender
    }

    @Test func anEventThatEndsWhileTheSenderIsAwayAndStartsAgainGetsANewClip() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let url = "http://127.0.0.1:\(port)"
        let pipeline = fixture.folder.appendingPathComponent("watch.yaml")
        try "watch: {events: {min_windows: 1, max_quiet: 2}}\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let folder = fixture.folder.appendingPathComponent("clips")
        var sender = try gopSender(port: port)
        let vigil = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments([url], ["--pipeline", pipeline.path, "--clips", folder.path, "--clip-pre", "1",
                                           "--clip-post", "1"]))
        #expect(vigil.waitForEvent("start", timeoutSeconds: 20))
        Thread.sleep(forTimeInterval: 2)
        sender.send(SIGKILL)
        #expect(vigil.waitForEvent("end", timeoutSeconds: 15))  // offline for longer than max_quiet
        sender = try gopSender(port: port)
        #expect(vigil.waitForEvent("start", count: 2, timeoutSeconds: 25))
        Thread.sleep(forTimeInterval: 2)
        #expect(vigil.interrupt(SIGTERM) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let ends = log.of(type: "end")
        #expect(ends.map { $0["reason"]?.string } == ["offline", "shutdown"])
        let paths = ends.compactMap { $0["clip"]?.string }
        #expect(paths.count == 2 && Set(paths).count == 2 && ends.allSatisfy { $0["clips"] == nil })
        for path in paths { try checkPlayable(path, audio: false, codec: "h264") }
        _ = sender
    }

    @Test func mjpegOverHTTPGetsAClip() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let sender = try mjpegSender(port: port)
        Thread.sleep(forTimeInterval: 0.5)  // `-listen 1` must be listening before the reader connects
        let folder = fixture.folder.appendingPathComponent("clips")
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments(["http://127.0.0.1:\(port)"], ["--clips", folder.path]))
        #expect(vigil.waitForEvent("start", timeoutSeconds: 20))
        Thread.sleep(forTimeInterval: 2)
        #expect(vigil.interrupt(SIGTERM) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let path = try #require(log.of(type: "end").first?["clip"]?.string)
        try checkPlayable(path, audio: false, codec: "mjpeg")
        _ = sender
    }

    @Test func theFolderLimitDeletesTheOldestFilesFirst() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 6)
        let folder = fixture.folder.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let old = folder.appendingPathComponent("old-event.mp4")
        try Data(count: 300_000).write(to: old)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: old.path)
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--clips", folder.path, "--clips-max-bytes", "250000"]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(!FileManager.default.fileExists(atPath: old.path))
        let path = try #require(log.of(type: "end").first?["clip"]?.string)
        try checkPlayable(path, audio: false, codec: "h264")
    }

    @Test func aFileSizeLimitGivesAStatusLineAndTheCameraKeepsRunning() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let sender = try gopSender(port: port)
        let folder = fixture.folder.appendingPathComponent("clips")
        let command = ([vigilBinary.path] + fixture.watchArguments(["http://127.0.0.1:\(port)"], ["--clips", folder.path]))
            .map { "'\($0)'" }.joined(separator: " ")
        let vigil = try ChildProcess("/bin/bash", ["-c", "ulimit -f 40; exec \(command)"])  // 40 KiB per file
        #expect(vigil.waitForLines(timeoutSeconds: 30) { $0.contains { $0.contains("clip not written") } })
        let windowsBefore = vigil.lines.filter { $0.contains("\"type\":\"window\"") }.count
        #expect(vigil.waitForEvent("window", count: windowsBefore + 2, timeoutSeconds: 10))
        #expect(vigil.interrupt(SIGTERM) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let problem = try #require(log.of(type: "status").first { $0["reason"]?.string?.contains("clip not written") == true })
        #expect(problem["state"]?.string == "online")
        #expect(problem["reason"]?.string?.contains("File too large") == true)
        #expect(log.of(type: "end").first?["clip"] == nil)  // no end line names a clip that was not written
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        #expect(!leftovers.contains { $0.hasSuffix(".part") })
        _ = sender
    }

    @Test func overlappingEventsOfOneCameraShareOneRecording() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 8)
        let folder = fixture.folder.appendingPathComponent("clips")
        let pipeline = fixture.folder.appendingPathComponent("watch.yaml")
        // "maybe" scores about 0.5: with these thresholds it starts alongside "always".
        try "watch: {events: {labels: {maybe: {on: 0.3, off: 0.2}}}}\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--pipeline", pipeline.path, "--clips", folder.path]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let starts = log.of(type: "start"), ends = log.of(type: "end")
        #expect(Set(starts.compactMap { $0["label"]?.string }) == ["always", "maybe"])
        #expect(Set(starts.compactMap { $0["snapshot"]?.string }).count == 2)  // a snapshot per event
        let clips = Set(ends.compactMap { $0["clip"]?.string })
        #expect(ends.count == 2 && clips.count == 1)  // one recording, named by both end lines
        #expect(ends.allSatisfy { $0["clip"] != nil } && starts.allSatisfy { $0["snapshot"] != nil })
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.filter { $0.hasSuffix(".mp4") }.count == 1)
        try checkPlayable(try #require(clips.first), audio: false, codec: "h264")
    }

    @Test func classifyWithClipsPrintsTheFileEventsWithTheirClips() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 8)
        let folder = fixture.folder.appendingPathComponent("clips")
        let vigil = try ChildProcess(
            vigilBinary.path,
            ["classify", clip.path, "--weights", fixture.weights.path, "--labels", fixture.labels.path, "--seg-num", "4",
             "--clips", folder.path, "--clip-pre", "1", "--clip-post", "1"])
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let lines = try vigil.lines.map { try JSONValue.parse($0) }
        #expect(lines.first?["top_k"] != nil)  // the input's classify line comes first
        let log = try WatchLog(Array(vigil.lines.dropFirst()))
        try log.checkInvariants()
        #expect(log.events.allSatisfy { ["start", "update", "end"].contains($0["type"]?.string ?? "") })
        // Every event gets its files, also those whose start line comes after the decoder reached the end.
        #expect(log.of(type: "start").allSatisfy { $0["snapshot"] != nil })
        #expect(log.of(type: "end").allSatisfy { $0["clip"] != nil })
        let start = try #require(log.of(type: "start").first)
        #expect(FileManager.default.fileExists(atPath: try #require(start["snapshot"]?.string)))
        try checkPlayable(try #require(log.of(type: "end").first?["clip"]?.string), audio: false, codec: "h264")
    }

    /// A camera run by a cluster worker (`vigil watch --cluster … --clips DIR`, nats-server on loopback) gets its
    /// snapshot and clip like a camera of `vigil watch`, and the lines in the merged stream name them.
    @Test func aClusterWorkersCameraGetsItsSnapshotAndClip() throws {
        let fixture = try WatchFixture()
        let nats = try NATSTestServer()
        let cluster = ["--cluster", nats.url, "--cluster-name", "clips"]
        let port = freePort()
        let sender = try gopSender(port: port)
        #expect(try MediaCLI.vigil(["cameras", "add", "gate", "http://127.0.0.1:\(port)"] + cluster).status == 0)
        let folder = fixture.folder.appendingPathComponent("clips")
        let follower = try ChildProcess(vigilBinary.path, ["events", "--from-start", "--follow"] + cluster)
        let stderr = fixture.folder.appendingPathComponent("worker.log")
        let worker = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments([], cluster + ["--worker-name", "w1", "--no-window-events", "--clips", folder.path,
                                                  "--clip-pre", "2", "--clip-post", "1"]),
            stderrFile: stderr)
        func lines(_ type: String) -> [[String: Any]] {
            follower.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
                .filter { $0["type"] as? String == type }
        }
        #expect(follower.waitForLines(timeoutSeconds: 60) { _ in !lines("start").isEmpty },
                "\((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")")
        Thread.sleep(forTimeInterval: 3)
        #expect(worker.interrupt(SIGTERM) == 0)  // the worker ends its events (shutdown) and finishes the clip
        #expect(follower.waitForLines(timeoutSeconds: 20) { _ in !lines("end").isEmpty })
        let snapshot = try #require(lines("start").first?["snapshot"] as? String)
        #expect(snapshot.hasPrefix(folder.path) && FileManager.default.fileExists(atPath: snapshot))
        let clip = try #require(lines("end").first?["clip"] as? String)
        #expect(clip.hasPrefix(folder.path))
        try checkPlayable(clip, audio: false, codec: "h264")
        #expect(try videoSeconds(clip) >= 3)
        _ = sender
    }

    /// With the MQTT sink, the start's snapshot is also published, retained, on `<prefix>/<camera>/<label>/snapshot`
    /// (mosquitto on loopback): a newcomer gets the same bytes as the file the start line names.
    @Test func theMQTTSinkPublishesTheSnapshotRetained() throws {
        let fixture = try WatchFixture()
        let broker = try MosquittoBroker()
        let clip = try fixture.clip(seconds: 6)
        let folder = fixture.folder.appendingPathComponent("clips")
        let vigil = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments([clip.path], ["--clips", folder.path, "--events", "stdout,mqtt://127.0.0.1:\(broker.port)"]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let log = try WatchLog(vigil.lines)
        let start = try #require(log.of(type: "start").first)
        let snapshot = try #require(start["snapshot"]?.string)
        let label = try #require(start["label"]?.string)
        let file = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        let topic = "vigil/\(TopicLevel.of(clip.path))/\(label)/snapshot"
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        reader.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", topic, "-C", "1", "-N", "-W", "10"]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        let received = out.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0)
        #expect(received.count > 1_000 && received == file, "\(received.count) bytes on \(topic), the file has \(file.count)")
    }
}
