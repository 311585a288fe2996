// Trainer: epochs of shuffled mini-batches through a TrainableModel — forward, sigmoid cross-entropy, backward,
// L2 decay, optimiser step — and evaluation with the YouTube-8M metrics.
import Foundation
import Models
import Tensor

/// How to train: the optimiser, its schedule and decay, batching and the seed everything random derives from.
public struct TrainingOptions: Sendable {
    /// Which update rule.
    public var optimizer: OptimizerKind
    /// Learning rate per epoch.
    public var schedule: PiecewiseDecay
    /// L2 decay coefficient for every parameter whose `decays` is true.
    public var weightDecay: Float
    /// Videos per optimisation step.
    public var batchSize: Int
    /// AttentionCluster's rows per video (random in training, centred in evaluation); nil keeps every row.
    public var sampling: SegmentSampling?
    /// Seed for shuffling, segment sampling and dropout.
    public var seed: UInt64
    /// The 1-based epoch from which the weights are averaged (`WeightAverage`); nil trains without averaging.
    public var averageFrom: Int?

    /// Options for one training run.
    public init(
        optimizer: OptimizerKind, schedule: PiecewiseDecay, weightDecay: Float = 0, batchSize: Int,
        sampling: SegmentSampling? = nil, seed: UInt64 = 0
    ) {
        self.optimizer = optimizer
        self.schedule = schedule
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.sampling = sampling
        self.seed = seed
    }
}

/// Fits a model to a dataset, one epoch at a time, and measures it.
public final class Trainer {
    /// The model being trained (its parameters change in place).
    public let model: any FeatureClassifier
    /// The options it was built with.
    public let options: TrainingOptions
    /// Measures the model in inference mode with the same segment sampling.
    public let evaluator: Evaluator
    private let optimizer: any Optimizer

    /// A trainer for `model`; the optimiser starts fresh.
    public init(model: any FeatureClassifier, options: TrainingOptions) {
        self.model = model
        self.options = options
        optimizer = options.optimizer.make()
        evaluator = Evaluator(model: model, sampling: options.sampling)
    }

    /// The optimiser's state (moments, powers), for resumable checkpoints.
    public var optimizerState: [String: [Float]] {
        get { optimizer.state }
        set { optimizer.restore(newValue) }
    }

    /// The current weights keyed by Paddle's names.
    public var weights: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.value) })
    }

    /// Runs `body` with the model holding `weights` (the names and shapes of `weights`), then gives the model its
    /// trained weights back: how an average of epochs is validated without disturbing the training.
    func with<T>(weights: [String: Tensor], _ body: () throws -> T) rethrows -> T {
        let trained = model.parameters.map(\.value)
        for parameter in model.parameters { parameter.value = weights[parameter.name] ?? parameter.value }
        defer { for (parameter, value) in zip(model.parameters, trained) { parameter.value = value } }
        return try body()
    }

    /// Runs zero-based `epoch` over `data` in a seeded shuffled order. `progress(done, total)` follows each batch;
    /// `shouldStop` is asked before each batch. Returns the mean loss per video (summed over classes) of the batches run.
    public func trainEpoch(
        _ data: FeatureDataset, epoch: Int, progress: (Int, Int) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }
    ) -> Double {
        var rng = SplitMix64(seed: options.seed).derived(UInt64(epoch))
        let order = Array(data.videos.indices).shuffled(using: &rng)
        let batches = FeatureDataset.batches(order, size: options.batchSize)
        let rate = options.schedule.learningRate(epoch: epoch)
        var total = 0.0, videos = 0
        for (done, indices) in batches.enumerated() {
            if shouldStop() { break }
            total += step(data, indices, learningRate: rate, rng: &rng)
            videos += indices.count
            progress(done + 1, batches.count)
        }
        return videos == 0 ? 0 : total / Double(videos)
    }

    /// One optimisation step on the videos at `indices`; returns their summed per-video loss.
    private func step(_ data: FeatureDataset, _ indices: [Int], learningRate: Float, rng: inout SplitMix64) -> Double {
        let batch = trainingBatch(data, indices, rng: &rng)
        let labels = data.labelMatrix(indices, classes: model.classCount)  // [B, K]
        let loss = step(batch, labels: labels, learningRate: learningRate, rng: &rng)
        return model.lossReduction == .sum ? Double(loss) : Double(loss) * Double(indices.count)
    }

    /// One optimisation step: zero gradients, forward in training mode, sigmoid cross-entropy against multi-hot
    /// `labels` [B, K], backward, L2 decay and the optimiser update. Returns the loss as the model reduces it.
    public func step<R: RandomNumberGenerator>(_ batch: FeatureBatch, labels: Tensor, learningRate: Float, rng: inout R) -> Float {
        for parameter in model.parameters { parameter.zeroGradient() }
        let logits = model.forwardTraining(batch, rng: &rng)  // [B, K]
        let reduction = model.lossReduction
        let loss = SigmoidCrossEntropy.loss(logits: logits, labels: labels, reduction: reduction)
        model.backward(SigmoidCrossEntropy.gradient(logits: logits, labels: labels, reduction: reduction))
        for (slot, parameter) in model.parameters.enumerated() {
            optimizer.apply(
                slot: slot, value: &parameter.value.scalars, gradient: &parameter.gradient.scalars,
                weightDecay: parameter.decays ? options.weightDecay : 0, learningRate: learningRate)
        }
        optimizer.finishStep()
        return loss
    }

    /// The batch the model trains on: AttentionCluster sees one random row per segment.
    private func trainingBatch(_ data: FeatureDataset, _ indices: [Int], rng: inout SplitMix64) -> FeatureBatch {
        guard let sampling = options.sampling else {
            return FeatureBatch(rgb: indices.map { data.videos[$0].rgb }, audio: indices.map { data.videos[$0].audio })
        }
        var rgb: [Tensor] = [], audio: [Tensor] = []
        for index in indices {
            let video = data.videos[index]
            let rows = sampling.randomRows(count: video.rgb.shape[0], using: &rng)
            rgb.append(video.rgb.gatheringRows(rows))
            audio.append(video.audio.gatheringRows(rows))
        }
        return FeatureBatch(rgb: rgb, audio: audio)
    }
}
