// TrainingSession: the epoch loop `vigil train` runs — train, validate, report, checkpoint, keep the best.
import Formats
import Foundation
import Tensor

/// One epoch's outcome: the JSON line `vigil train` prints.
public struct EpochReport: Encodable, Sendable {
    /// Zero-based epoch.
    public var epoch: Int
    /// Mean training loss per video (sigmoid cross-entropy summed over classes).
    public var loss: Double
    /// The epoch's learning rate.
    public var learningRate: Float
    /// Validation metrics (absent without a validation list).
    public var hitAtOne: Double?, perr: Double?, gap: Double?
    /// Mean validation loss per video.
    public var validLoss: Double?
    /// Wall-clock seconds for the epoch, validation included.
    public var seconds: Double
    /// Whether this epoch's weights became `OUT` (best validation Hit@1, or the latest without validation).
    public var best: Bool
    /// With `average_from`: how many epochs' weights the validated (and written) average holds.
    public var averagedEpochs: Int?

    enum CodingKeys: String, CodingKey {
        case epoch, loss, learningRate = "learning_rate", hitAtOne = "hit_at_one", perr, gap, validLoss = "valid_loss"
        case seconds, best, averagedEpochs = "averaged_epochs"
    }
}

/// Runs the remaining epochs, writing the latest checkpoint (default `OUT.last.safetensors`) after each and on
/// interruption, and `OUT` whenever validation Hit@1 improves (every epoch without validation). With `averageFrom`,
/// from that epoch on `OUT` and the validation hold the mean of the weights of every epoch since
/// (`WeightAverage`), kept for a resume in `NAME.last.average.safetensors`; the latest checkpoint stays the
/// trained weights the optimiser continues from.
public final class TrainingSession {
    let trainer: Trainer
    let train: FeatureDataset
    let valid: FeatureDataset?
    let output: URL
    /// Where the latest epoch's weights (and the optimiser state beside them) go.
    public let latest: URL
    var metadata: CheckpointMetadata
    /// Total epochs (the run stops after this many have completed, counting resumed ones).
    public let epochs: Int
    /// Videos per inference batch during validation.
    public var validationBatchSize = 64
    /// Where the running average of the weights goes (beside `latest`), with `averageFrom`.
    public var averageURL: URL { Checkpoint.averageURL(beside: latest) }
    private var average: WeightAverage?

    /// A session continuing from `metadata.epochsCompleted`.
    public init(
        trainer: Trainer, train: FeatureDataset, valid: FeatureDataset?, output: URL, latest: URL? = nil,
        metadata: CheckpointMetadata, epochs: Int
    ) {
        self.latest = latest ?? Checkpoint.latestURL(for: output)
        self.epochs = epochs
        self.trainer = trainer
        self.train = train
        self.valid = valid
        self.output = output
        self.metadata = metadata
    }

    /// Trains until `epochs` have completed or `shouldStop` turns true. `progress(epoch, batchesDone, batches)` follows
    /// each batch; `report` receives each finished epoch. Returns false when interrupted (after checkpointing).
    public func run(
        progress: (Int, Int, Int) -> Void, report: (EpochReport) throws -> Void, shouldStop: () -> Bool
    ) throws -> Bool {
        if let from = trainer.options.averageFrom, metadata.epochsCompleted >= from, average == nil {
            average = try resumedAverage(count: metadata.epochsCompleted - from + 1)
        }
        for epoch in metadata.epochsCompleted..<epochs {
            let start = Date()
            let loss = trainer.trainEpoch(train, epoch: epoch, progress: { progress(epoch, $0, $1) }, shouldStop: shouldStop)
            if shouldStop() {
                try writeLatest(trainer.weights)
                return false
            }
            var line = EpochReport(
                epoch: epoch, loss: loss, learningRate: trainer.options.schedule.learningRate(epoch: epoch), seconds: 0,
                best: true)
            let weights = trainer.weights
            var model = weights  // what is validated and written as OUT
            if let from = trainer.options.averageFrom, epoch + 1 >= from {
                if average == nil { average = WeightAverage(weights) } else { average?.add(weights) }
                model = average?.mean ?? weights
                line.averagedEpochs = average?.count
            }
            if let valid {
                let (metrics, validLoss) = try trainer.with(weights: model) {
                    try trainer.evaluator.evaluate(valid, batchSize: validationBatchSize)
                }
                (line.hitAtOne, line.perr, line.gap, line.validLoss) = (metrics.hitAtOne, metrics.perr, metrics.gap, validLoss)
                line.best = metadata.bestHitAtOne.map { metrics.hitAtOne > $0 } ?? true
                if line.best { metadata.bestHitAtOne = metrics.hitAtOne }
            }
            metadata.epochsCompleted = epoch + 1
            if line.best { try Checkpoint.write(model, metadata: metadata, to: output) }
            try writeLatest(weights)
            if let average { try Checkpoint.write(average.mean, metadata: metadata, to: averageURL) }
            line.seconds = Date().timeIntervalSince(start)
            try report(line)
        }
        return true
    }

    /// The average a resumed run continues: written by the run that wrote the latest checkpoint, after as many epochs.
    private func resumedAverage(count: Int) throws -> WeightAverage {
        let missing = TrainingError.usage(
            "\(averageURL.path): a resumed run with average_from needs the average of the same epochs beside the checkpoint")
        guard FileManager.default.fileExists(atPath: averageURL.path) else { throw missing }
        let file = try loadWeights(averageURL)
        guard let saved = try CheckpointMetadata(file, path: averageURL.path), saved.epochsCompleted == metadata.epochsCompleted
        else { throw missing }
        return WeightAverage(file.tensors, count: count)
    }

    /// The latest checkpoint and, beside it, the optimiser state of the same moment. After an interruption the
    /// weights are mid-epoch, so the state is tagged with the completed epochs and a resume restarts that epoch.
    private func writeLatest(_ weights: [String: Tensor]) throws {
        try Checkpoint.write(weights, metadata: metadata, to: latest)
        try Checkpoint.writeOptimizerState(
            trainer.optimizerState, kind: trainer.options.optimizer, epochsCompleted: metadata.epochsCompleted, beside: latest)
    }
}
