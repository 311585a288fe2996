// bench-training: one full-size training step (forward, loss, backward, optimiser update), timed.
// Usage: bench-training attention_cluster|attention_lstm [--batch N] [--frames T] [--threads 2] [--repeats 3] [--concurrent-branches 0|1]
// Defaults: AttentionCluster batch 64 × 100 frames with Adam; AttentionLSTM batch 8 × 300 frames with centered
// RMSProp and L2 4e-4. Prints one JSON line; tools/bench_training.py runs it beside PaddlePaddle (docs/benchmarks.md).
import Foundation
import Models
import Tensor
import Training

func option(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

OpenBLASKernel.reexecWithBetterKernelIfNeeded()
let modelType = CommandLine.arguments.dropFirst().first ?? AttentionCluster.modelType
let lstm = modelType == AttentionLSTM.modelType
let batchSize = option("--batch", default: lstm ? 8 : 64)
let frames = option("--frames", default: lstm ? 300 : 100)
let threads = option("--threads", default: 2)
let repeats = option("--repeats", default: 3)
OpenBLASKernel.setThreads(threads)
// `--threads 1 --concurrent-branches 1` is vigil's default ComputePolicy (one OpenBLAS thread, AttentionLSTM's
// modalities on their own threads); the documented figures used `--threads 2` with sequential branches (0).
let concurrentBranches = option("--concurrent-branches", default: 0) == 1
BranchParallelism.configure(concurrent: concurrentBranches)

var rng = SplitMix64(seed: 42)
let blueprint = ModelBlueprint(type: modelType, classes: 3862)
let model = try blueprint.makeModel(weights: blueprint.initialWeights(using: &rng))
var settings = TrainingSettings()
settings.batchSize = batchSize
let trainer = Trainer(model: model, options: try settings.resolved(for: modelType).options)
func features(_ width: Int, frames: Int, using rng: inout SplitMix64) -> Tensor {
    Tensor(shape: [frames, width], scalars: (0..<frames * width).map { _ in Float.random(in: -2...2, using: &rng) })
}
var rgb: [Tensor] = [], audio: [Tensor] = []
for _ in 0..<batchSize {
    rgb.append(features(1024, frames: frames, using: &rng))
    audio.append(features(128, frames: frames, using: &rng))
}
let batch = FeatureBatch(rgb: rgb, audio: audio)
var labels = Tensor(zeros: [batchSize, 3862])
for b in 0..<batchSize { for _ in 0..<3 { labels.scalars[b * 3862 + Int.random(in: 0..<3862, using: &rng)] = 1 } }

_ = trainer.step(batch, labels: labels, learningRate: 1e-4, rng: &rng)  // warm-up: sizes workspaces and optimiser state
var times: [Double] = []
for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    _ = trainer.step(batch, labels: labels, learningRate: 1e-4, rng: &rng)
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
times.sort()
print(
    """
    {"model":"\(modelType)","batch":\(batchSize),"frames":\(frames),"threads":\(threads),"branches":"\(concurrentBranches ? "concurrent" : "sequential")",\
    "kernel":"\(OpenBLASKernel.coreName)","median_ms":\(times[times.count / 2]),"min_ms":\(times[0])}
    """)
