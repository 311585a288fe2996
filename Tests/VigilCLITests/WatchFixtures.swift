// Small inputs for the watch tests, made at test time: a tiny AttentionCluster, labels, clips, pipelines.
import Foundation

/// A temporary folder holding a tiny random-weight AttentionCluster (rgb 1024, audio 128, 2 clusters each,
/// fc 8/8, 3 classes) whose class 0 ("always") scores ≈ 1 and class 1 ("never") ≈ 0 on any input, and its labels.
/// The folder is removed when the test lets go of the fixture.
final class WatchFixture {
    let folder: URL
    var weights: URL { folder.appendingPathComponent("tiny.safetensors") }
    var labels: URL { folder.appendingPathComponent("tiny.labels.txt") }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "always\nnever\nmaybe\n".write(to: labels, atomically: true, encoding: .utf8)
        try Self.tinyClusterWeights().write(to: weights)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The usual flags: tiny model, 4 picks from a 4 s window every second, quick reconnects.
    func watchArguments(_ inputs: [String], _ extra: [String] = []) -> [String] {
        ["watch"] + inputs + [
            "--weights", weights.path, "--labels", labels.path, "--seg-num", "4", "--window", "4", "--stride", "1",
            "--retry-interval", "1", "--no-frames-timeout", "3", "--top-k", "2",
        ] + extra
    }

    /// An H.264 clip of `seconds` seconds (320×240, 10 fps, 1 s GOP) made with the ffmpeg CLI.
    func clip(seconds: Int) throws -> URL {
        let url = folder.appendingPathComponent("clip\(seconds).mp4")
        let ffmpeg = try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t",
             "\(seconds)", "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", url.path])
        guard ffmpeg.waitForExit(timeoutSeconds: 60) == 0 else { throw HarnessError("ffmpeg could not make \(url.path)") }
        return url
    }

    /// An MPEG-TS H.264 clip of `seconds` seconds (320×240, 10 fps, 1 s GOP) named `name`; `extra` are output options
    /// (e.g. `-output_ts_offset`).
    func transportStream(seconds: Int, name: String, _ extra: [String] = []) throws -> URL {
        let url = folder.appendingPathComponent(name)
        let ffmpeg = try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t",
             "\(seconds)", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p"] + extra
                + ["-f", "mpegts", url.path])
        guard ffmpeg.waitForExit(timeoutSeconds: 60) == 0 else { throw HarnessError("ffmpeg could not make \(url.path)") }
        return url
    }

    /// A safetensors file written by hand (8-byte header length, JSON header, little-endian F32 data).
    static func tinyClusterWeights() throws -> Data {
        var state: UInt64 = 42
        func small() -> Float {  // deterministic values in ±0.01
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.02
        }
        var tensors: [(String, [Int], [Float])] = []
        for (index, features) in [1024, 128].enumerated() {
            tensors.append(("satt\(index).conv.weight", [2, features, 1, 1], (0..<(2 * features)).map { _ in small() }))
            tensors.append(("satt\(index).conv.bias", [2], [0, 0]))
            tensors.append(("satt\(index).shift_w", [2], [1, 1]))
            tensors.append(("satt\(index).shift_b", [2], [0, 0]))
        }
        let concat = 2 * 1024 + 2 * 128
        tensors.append(("fc1.weights", [concat, 8], (0..<(concat * 8)).map { _ in small() }))
        tensors.append(("fc1.bias", [8], Array(repeating: 0, count: 8)))
        tensors.append(("fc2.weights", [8, 8], (0..<64).map { _ in small() }))
        tensors.append(("fc2.bias", [8], Array(repeating: 0, count: 8)))
        tensors.append(("logistic.weights", [8, 3], (0..<24).map { _ in small() }))
        tensors.append(("logistic.bias", [3], [8, -8, 0]))
        var header: [String: Any] = [:]
        var body = Data()
        for (name, shape, values) in tensors {
            let start = body.count
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [start, body.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad to a multiple of 8, and keep the length's first byte off 0x80 (a pickle's first byte).
        repeat { json.append(0x20) } while json.count % 8 != 0 || json.count & 0xFF == 0x80
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        return file + json + body
    }
}
