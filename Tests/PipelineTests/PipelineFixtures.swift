import Foundation
import Formats
import Media
import Models
import Tensor

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-pipeline-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Runs the ffmpeg CLI (lavfi sources only) to make test media; returns the output path.
@discardableResult
func ffmpeg(_ arguments: [String], output: URL) throws -> URL {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    process.arguments = ["-hide_banner", "-loglevel", "error", "-y"] + arguments + [output.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    return output
}

/// 4 s of 320×240 test pattern at 25 frames/s (100 frames), H.264 with B-frames, with a 1 kHz tone unless `silent`.
func testClip(in folder: URL, audio: Bool = true, name: String = "clip.mp4") throws -> URL {
    var arguments = ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4"]
    if audio { arguments += ["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100:d=4"] }
    arguments += ["-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "2", "-pix_fmt", "yuv420p"]
    arguments += audio ? ["-c:a", "aac", "-shortest"] : ["-an"]
    return try ffmpeg(arguments, output: folder.appendingPathComponent(name))
}

/// Small random AttentionCluster weights (rgb 1024, audio 128, 4 clusters each, fc 16 → 8, 5 classes) with label
/// names, written as .safetensors.
func smallClusterWeights(in folder: URL, classes: Int = 5) throws -> URL {
    var generator = SplitMix64(seed: 42)
    func random(_ shape: [Int], scale: Float) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in (Float(generator.next() >> 40) / Float(1 << 24) - 0.5) * 2 * scale })
    }
    var tensors: [String: Tensor] = [:]
    for (i, features) in [1024, 128].enumerated() {
        tensors["satt\(i).conv.weight"] = random([4, features, 1, 1], scale: 0.1)
        tensors["satt\(i).conv.bias"] = random([4], scale: 0.1)
        tensors["satt\(i).shift_w"] = random([4], scale: 1)
        tensors["satt\(i).shift_b"] = random([4], scale: 1)
    }
    tensors["fc1.weights"] = random([4 * 1024 + 4 * 128, 16], scale: 0.5)
    tensors["fc1.bias"] = random([16], scale: 0.1)
    tensors["fc2.weights"] = random([16, 8], scale: 0.5)
    tensors["fc2.bias"] = random([8], scale: 0.1)
    tensors["logistic.weights"] = random([8, classes], scale: 1)
    tensors["logistic.bias"] = random([classes], scale: 0.1)
    let file = try WeightFile(tensors: tensors, format: .safetensors)
        .withLabelNames(LabelMap(names: (0..<classes).map { "label \($0)" }))
    let url = folder.appendingPathComponent("small.safetensors")
    try saveWeights(file, to: url)
    return url
}
