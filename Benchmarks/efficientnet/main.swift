// bench-efficientnet: EfficientNet-Lite0 on 224×224 frames with the real weights (models/, scripts/fetch_weights.sh).
// Usage: bench-efficientnet WEIGHTS.pth [--threads 1] [--batch 1] [--frames 32] [--repeats 5]
// Prints one JSON line: median (and best) milliseconds per frame over the repeats (each repeat runs `frames` frames, `batch`
// per forward pass) and frames per second. tools/bench_efficientnet.py runs it beside PyTorch and ONNX Runtime.
import Features
import Foundation
import Tensor

func option(_ name: String, _ fallback: Int) -> Int {
    guard let at = CommandLine.arguments.firstIndex(of: name), at + 1 < CommandLine.arguments.count else { return fallback }
    return Int(CommandLine.arguments[at + 1]) ?? fallback
}

OpenBLASKernel.reexecWithBetterKernelIfNeeded()
let weights = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "models/efficientnet-lite0-57934424.pth")
let threads = option("--threads", 1), batch = option("--batch", 1), frames = option("--frames", 32), repeats = option("--repeats", 5)
OpenBLASKernel.setThreads(threads)
var extractor = try EfficientNetExtractor(logits: true, weights: weights, batch: batch)
var state: UInt64 = 16
let pictures: [[UInt8]] = (0..<frames).map { _ in
    (0..<(224 * 224 * 3)).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state >> 32)
    }
}
_ = try extractor.extractBatch(Array(pictures.prefix(batch)), width: 224, height: 224)  // warm up
var times: [Double] = []
for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try extractor.extractBatch(pictures, width: 224, height: 224)
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(frames))
}
let median = times.sorted()[times.count / 2], best = times.min()!
print("{\"engine\":\"vigil\",\"threads\":\(threads),\"batch\":\(batch),\"ms_per_frame\":\(median),\"best_ms_per_frame\":\(best),\"frames_per_second\":\(1000 / median),\"kernel\":\"\(OpenBLASKernel.coreName)\"}")
