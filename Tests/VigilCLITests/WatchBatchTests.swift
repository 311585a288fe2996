// `vigil watch` batching windows of several cameras (`--batch-size`): the same lines as one window at a time.
import Foundation
import Testing

@Suite(.serialized) struct WatchBatchTests {
    /// Four file cameras with different pictures (two with sound), so a window scored for the wrong camera shows.
    private func cameras(_ fixture: WatchFixture) throws -> URL {
        let sources = [
            ("bars", "smptebars", true), ("fractal", "mandelbrot", false), ("pattern", "testsrc2", false),
            ("grid", "testsrc", true),
        ]
        var entries = ""
        for (name, source, sound) in sources {
            let url = fixture.folder.appendingPathComponent("\(name).mp4")
            let audio = sound ? ["-f", "lavfi", "-i", "sine=frequency=\(name.count * 150):sample_rate=16000", "-c:a", "aac"] : []
            let ffmpeg = try ChildProcess(
                "/usr/bin/ffmpeg",
                ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "\(source)=size=320x240:rate=10"]
                    + audio + ["-t", "8", "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", url.path])
            guard ffmpeg.waitForExit(timeoutSeconds: 60) == 0 else { throw HarnessError("ffmpeg could not make \(url.path)") }
            entries += "  \(name): {url: \(url.lastPathComponent)}\n"
        }
        let pipeline = fixture.folder.appendingPathComponent("cameras.yaml")
        try """
            model: {type: attention_cluster, weights: tiny.safetensors, labels: tiny.labels.txt}
            sampling: {seg_num: 4, fps: 2}
            watch: {window: 4, stride: 1, events: {on: 0.6, off: 0.4, min_windows: 1, max_quiet: 5}}
            cameras:
            \(entries)
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        return pipeline
    }

    /// The lines of a watch of `pipeline`, and its stderr.
    private func watch(_ fixture: WatchFixture, _ pipeline: URL, _ extra: [String]) throws -> (log: WatchLog, stderr: String) {
        let stderr = fixture.folder.appendingPathComponent("stderr-\(extra.joined()).txt")
        let vigil = try ChildProcess(
            vigilBinary.path, ["watch", "--pipeline", pipeline.path, "--top-k", "3"] + extra, stderrFile: stderr)
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        return (log, try String(contentsOf: stderr, encoding: .utf8))
    }

    @Test func batchedWindowsOfFourCamerasScoreAsOneAtATime() throws {
        let fixture = try WatchFixture()
        let pipeline = try cameras(fixture)
        let alone = try watch(fixture, pipeline, [])  // the default, 1
        let batched = try watch(fixture, pipeline, ["--batch-size", "16"])
        let pairs = try watch(fixture, pipeline, ["--batch-size", "2"])
        #expect(!alone.stderr.contains("forward passes"))
        #expect(batched.stderr.contains("windows classified in"), "\(batched.stderr)")
        var seen: Set<String> = []
        for camera in ["bars", "fractal", "pattern", "grid"] {
            let reference = Self.lines(of: camera, in: alone.log)
            #expect(reference.filter { $0["type"]?.string == "window" }.count >= 5)  // 8 s, stride 1 s
            #expect(reference.contains { $0["type"]?.string == "start" } && reference.contains { $0["type"]?.string == "end" })
            seen.insert("\(reference.first { $0["type"]?.string == "window" }?["top_k"] ?? .null)")
            for other in [batched.log, pairs.log] {
                let lines = Self.lines(of: camera, in: other)
                #expect(lines.count == reference.count, "\(camera)")
                for (line, expected) in zip(lines, reference) {
                    #expect(Self.matches(line, expected), "\(camera): \(line) against \(expected)")
                }
            }
        }
        #expect(seen.count == 4)  // the cameras' scores differ, so a mix-up between them would show
    }

    @Test func liveCamerasBatchedEndEveryEventOnSIGTERMAndADeadCameraHoldsUpNoBatch() throws {
        let fixture = try WatchFixture()
        let ports = [freePort(udp: true), freePort(udp: true)]
        let dead = "udp://127.0.0.1:\(freePort(udp: true))"
        let senders = try ports.map { try udpSender(port: $0) }
        let live = ports.map { "udp://127.0.0.1:\($0)" }
        let stderr = fixture.folder.appendingPathComponent("stderr.txt")
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments(live + [dead], ["--batch-size", "16"]), stderrFile: stderr)
        #expect(vigil.waitForLines(timeoutSeconds: 30) { lines in
            live.allSatisfy { camera in lines.filter { $0.contains("\"type\":\"start\"") && $0.contains(camera) }.count == 1 }
                && live.allSatisfy { camera in lines.filter { $0.contains("\"type\":\"window\"") && $0.contains(camera) }.count >= 4 }
        })
        vigil.send(SIGTERM)
        #expect(vigil.waitForExit(timeoutSeconds: 20) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        for camera in live {
            #expect(log.of(type: "end").filter { $0["camera"]?.string == camera }.map { $0["reason"]?.string } == ["shutdown"])
            #expect(log.states(camera).last == "offline")
        }
        #expect(log.states(dead).last == "offline")
        #expect(try String(contentsOf: stderr, encoding: .utf8).contains("windows classified in"))
        _ = senders
    }

    @Test func aBatchSizeBelowOneIsAUsageError() throws {
        let fixture = try WatchFixture()
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments(["udp://127.0.0.1:9"], ["--batch-size", "0"]))
        #expect(vigil.waitForExit(timeoutSeconds: 20) == 64)
        #expect(vigil.lines.isEmpty)
    }

    /// A camera's lines in order, without what differs from run to run (event ids, latency, drops).
    private static func lines(of camera: String, in log: WatchLog) -> [JSONValue] {
        log.events.filter { $0["camera"]?.string == camera }.map { strip($0) }
    }

    private static func strip(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.filter { !["id", "latency", "dropped_windows"].contains($0.key) }.mapValues(strip))
        case .array(let elements): return .array(elements.map(strip))
        default: return value
        }
    }

    /// Equal, numbers within float rounding (scores of a batched pass against a one-window pass).
    private static func matches(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return abs(x - y) <= 1e-5 * max(1, abs(y))
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(matches)
        case (.object(let x), .object(let y)):
            return Set(x.keys) == Set(y.keys) && x.allSatisfy { key, value in matches(value, y[key]!) }
        default: return a == b
        }
    }
}
