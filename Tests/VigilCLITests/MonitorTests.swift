// `vigil watch --http`: /metrics scraped with curl and parsed, /healthz flipping to 503 while a camera's sender is
// gone and back to 200 when it returns, /cameras, against real ffmpeg senders on 127.0.0.1.
import Foundation
import Testing

/// `curl` GET: (HTTP status, body).
func httpGet(_ url: String) throws -> (status: Int, body: String) {
    let curl = try ChildProcess("/usr/bin/curl", ["-s", "-m", "5", "-w", "\n%{http_code}\n", url])
    _ = curl.waitForExit(timeoutSeconds: 10)
    let lines = curl.lines
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}

/// Prometheus text: `name{labels} value` lines → value by the part before the value.
func samples(_ exposition: String) -> [String: Double] {
    var values: [String: Double] = [:]
    for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
        values[String(line[..<space])] = value
    }
    return values
}

@Suite(.serialized) struct MonitorTests {
    @Test func metricsHealthAndCamerasFollowALiveCamera() throws {
        let fixture = try WatchFixture()
        let port = freePort(udp: true)
        let httpPort = freePort()
        let camera = "udp://127.0.0.1:\(port)"
        var sender = try udpSender(port: port)
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([camera], ["--http", "127.0.0.1:\(httpPort)"]))
        #expect(vigil.waitForEvent("window", count: 3, timeoutSeconds: 20))
        let base = "http://127.0.0.1:\(httpPort)"
        let metrics = try httpGet("\(base)/metrics")
        #expect(metrics.status == 200)
        let values = samples(metrics.body)
        let label = "{camera=\"\(camera)\"}"
        #expect(values["vigil_up"] == 1)
        #expect(values["vigil_build_info{version=\"0.1.0\"}"] == 1)
        let kept = try #require(values["vigil_camera_frames_kept_total\(label)"])
        let read = try #require(values["vigil_camera_frames_read_total\(label)"])
        #expect(kept >= 3 && read >= kept)  // 10 fps sent, 1 fps kept
        #expect((values["vigil_camera_windows_total\(label)"] ?? 0) >= 3)
        #expect(values["vigil_camera_windows_dropped_total\(label)"] == 0)
        #expect((values["vigil_camera_decode_seconds_total\(label)"] ?? 0) > 0)
        #expect((values["vigil_camera_classify_latency_seconds_count\(label)"] ?? 0) >= 3)
        #expect(values["vigil_camera_online\(label)"] == 1)
        #expect(values["vigil_camera_open_events\(label)"] == 1)  // "always" started
        #expect(values["vigil_sink_queue_depth{sink=\"stdout\"}"] == 0)
        #expect(values["vigil_sink_dropped_total{sink=\"stdout\"}"] == 0)
        let health = try httpGet("\(base)/healthz")
        #expect(health.status == 200)
        #expect(try JSONValue.parse(health.body)["cameras"]?[camera]?.string == "online")
        let cameras = try JSONValue.parse(try httpGet("\(base)/cameras").body)
        #expect(cameras[0]?["state"]?.string == "online")
        #expect(cameras[0]?["open_events"]?.number == 1)
        #expect((cameras[0]?["last_frame_time"]?.number ?? 0) > 1_700_000_000)

        // The sender dies: after the no-frames timeout (3 s) and a retry (1 s) /healthz says 503 and names it.
        sender.send(SIGKILL)
        var down = (status: 0, body: "")
        for _ in 0..<60 where down.status != 503 {
            Thread.sleep(forTimeInterval: 0.5)
            down = try httpGet("\(base)/healthz")
        }
        #expect(down.status == 503)
        #expect(try JSONValue.parse(down.body)["unhealthy"]?[0]?.string == camera)
        sender = try udpSender(port: port)
        var up = down
        for _ in 0..<60 where up.status != 200 {
            Thread.sleep(forTimeInterval: 0.5)
            up = try httpGet("\(base)/healthz")
        }
        #expect(up.status == 200)
        #expect((samples(try httpGet("\(base)/metrics").body)["vigil_camera_reconnects_total\(label)"] ?? 0) >= 1)
        #expect(vigil.interrupt() == 0)
        _ = sender
    }

    @Test func aMalformedOrTakenHttpAddressIsRefused() throws {
        let fixture = try WatchFixture()
        let clip = try fixture.clip(seconds: 2)
        let malformed = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path], ["--http", "9464"]))
        #expect(malformed.waitForExit(timeoutSeconds: 30) == 64)
        let taken = freePort()
        let holder = try webhookReceiver(port: taken)
        let busy = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path], ["--http", "127.0.0.1:\(taken)"]))
        #expect(busy.waitForExit(timeoutSeconds: 30) == 69)
        #expect(busy.lines.isEmpty)
        _ = holder
    }
}
