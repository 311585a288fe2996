// bench-models: full-size AttentionLSTM / AttentionCluster inference with random weights, one video, timed.
// Usage: bench-models attention_lstm|attention_cluster [--frames 300] [--threads 2] [--repeats 5] [--concurrent-branches 0|1]
// Prints one JSON line: median milliseconds per video, peak RSS and weight bytes. tools/bench_models.py runs it
// beside PaddlePaddle and reports the ratio (docs/benchmarks.md).
import Foundation
import Models
import Tensor

/// Full-size shapes (spec §2.5 and §3.4).
func randomWeights(_ model: String, seed: UInt64) -> [String: Tensor] {
    var state = seed
    func tensor(_ shape: [Int], scale: Float) -> Tensor {
        let count = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: count)
        for i in 0..<count {  // xorshift: cheap, reproducible, in [-scale, scale)
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            scalars[i] = (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
        return Tensor(shape: shape, scalars: scalars)
    }
    var weights: [String: Tensor] = [:]
    if model == AttentionLSTM.modelType {
        let (e, h) = (512, 1024)
        for (i, d) in [1024, 128].enumerated() {
            weights["head.fc_feature\(i).weight"] = tensor([d, e], scale: 0.05)
            weights["head.fc_feature\(i).bias"] = tensor([e], scale: 0.05)
            for suffix in ["", "_reverse"] {
                weights["head.bi_lstm\(i).weight_ih_l0\(suffix)"] = tensor([4 * h, e], scale: 0.03)
                weights["head.bi_lstm\(i).weight_hh_l0\(suffix)"] = tensor([4 * h, h], scale: 0.03)
                weights["head.bi_lstm\(i).bias_ih_l0\(suffix)"] = tensor([4 * h], scale: 0.03)
                weights["head.bi_lstm\(i).bias_hh_l0\(suffix)"] = tensor([4 * h], scale: 0.03)
            }
            weights["head.att_fc\(i).weight"] = tensor([2 * h, 1], scale: 0.05)
            weights["head.att_fc\(i).bias"] = tensor([1], scale: 0.05)
        }
        for (name, shape) in [("fc_out1", [4096, 8192]), ("fc_out2", [8192, 4096]), ("fc_logit", [4096, 3862])] {
            weights["head.\(name).weight"] = tensor(shape, scale: 0.02)
            weights["head.\(name).bias"] = tensor([shape[1]], scale: 0.02)
        }
    } else {
        for (i, f) in [1024, 128].enumerated() {
            weights["satt\(i).conv.weight"] = tensor([32, f, 1, 1], scale: 0.05)
            for name in ["conv.bias", "shift_w", "shift_b"] { weights["satt\(i).\(name)"] = tensor([32], scale: 0.4) }
        }
        for (name, shape) in [("fc1", [36864, 1024]), ("fc2", [1024, 4096]), ("logistic", [4096, 3862])] {
            weights["\(name).weights"] = tensor(shape, scale: 0.01)
            weights["\(name).bias"] = tensor([shape[1]], scale: 0.01)
        }
    }
    return weights
}

/// Peak resident set size of this process in bytes (VmHWM).
func peakRSS() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
    return 0
}

func option(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

OpenBLASKernel.reexecWithBetterKernelIfNeeded()
let modelType = CommandLine.arguments.dropFirst().first ?? AttentionLSTM.modelType
let frames = option("--frames", default: modelType == AttentionLSTM.modelType ? 300 : 100)
let threads = option("--threads", default: 2)
let repeats = option("--repeats", default: 5)
OpenBLASKernel.setThreads(threads)
// `--threads 1 --concurrent-branches 1` is vigil's default ComputePolicy (one OpenBLAS thread, AttentionLSTM's
// modalities on their own threads); the documented figures used `--threads 2` with sequential branches (0).
let concurrentBranches = option("--concurrent-branches", default: 0) == 1
BranchParallelism.configure(concurrent: concurrentBranches)

let weights = randomWeights(modelType, seed: 42)
let weightBytes = weights.values.reduce(0) { $0 + $1.count * 4 }
let parameterCount = weights.values.reduce(0) { $0 + $1.count }
let rgb = Tensor(shape: [frames, 1024], scalars: (0..<frames * 1024).map { Float(($0 * 7919) % 4001) / 1000 - 2 })
let audio = Tensor(shape: [frames, 128], scalars: (0..<frames * 128).map { Float(($0 * 104_729) % 4001) / 1000 - 2 })
let predict: () throws -> [Float]
if modelType == AttentionLSTM.modelType {
    let model = try AttentionLSTM(weights: weights)
    predict = { try model.logits(rgb: rgb, audio: audio) }
} else {
    let model = try AttentionCluster(weights: weights)
    predict = { try model.logits(rgb: rgb, audio: audio) }
}
_ = try predict()  // warm-up: sizes the workspace
var times: [Double] = []
for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try predict()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
times.sort()
print(
    """
    {"model":"\(modelType)","frames":\(frames),"threads":\(threads),"branches":"\(concurrentBranches ? "concurrent" : "sequential")","kernel":"\(OpenBLASKernel.coreName)",\
    "median_ms":\(times[times.count / 2]),"min_ms":\(times[0]),"parameters":\(parameterCount),\
    "weight_bytes":\(weightBytes),"peak_rss_bytes":\(peakRSS())}
    """)
