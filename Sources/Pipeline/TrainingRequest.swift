// `vigil train`: the blueprint (model sizes from the config, labels and data), the training settings (flags over
// the config's train section over the published recipes), and the session that runs the epochs.
import Formats
import Foundation
import Models
import Training

/// What `vigil train` was asked; `run()` trains, printing one JSON line per epoch and progress on stderr.
public struct TrainingRequest: Sendable {
    public var config: URL
    public var output: URL
    public var train: URL?
    public var valid: URL?
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRate: Double?
    public var seed: UInt64?
    public var checkpoint: URL?
    public var resume: URL?

    public init(config: URL, output: URL) {
        self.config = config
        self.output = output
    }

    /// Trains until the last epoch (true) or Ctrl-C (false, after writing the checkpoint).
    public func run() throws -> Bool {
        let pipeline = try PipelineConfig.load(contentsOf: config)
        let labels = try pipeline.model.labels.map(LabelMap.load)
        guard let trainList = train ?? pipeline.train.trainList else {
            throw PipelineError.usage("no training list: pass --train or set train.train_list in \(config.path)")
        }
        let trainSet = try FeatureDataset.load(list: trainList)
        let validSet = try (valid ?? pipeline.train.validList).map(FeatureDataset.load(list:))

        let model = pipeline.model
        let classes = model.numClasses ?? labels?.names.count ?? trainSet.classCount
        let type = model.type?.rawValue ?? "attention_cluster"
        let featureDims = model.featureDims ?? [1024, 128]
        let blueprint = ModelBlueprint(
            type: type, classes: classes, featureDims: featureDims, fcSizes: model.fcSizes,
            embeddingSize: model.embeddingSize ?? 512, lstmSize: model.lstmSize ?? 1024,
            clusterNums: model.clusterNums ?? Array(repeating: 32, count: featureDims.count))
        var settings = TrainingSettings()
        let section = pipeline.train
        settings.optimizer = section.optimizer
        settings.learningRate = learningRate ?? section.learningRate
        settings.boundaries = section.lrBoundaries.flatMap { $0.isEmpty ? nil : $0 }
        settings.rates = section.lrValues.flatMap { $0.isEmpty ? nil : $0 }
        settings.weightDecay = section.weightDecay
        settings.averageFrom = section.averageFrom
        settings.epochs = epochs ?? section.epochs
        settings.batchSize = batchSize ?? section.batchSize
        settings.segments = pipeline.sampling.segNum
        settings.dropRate = model.dropRate
        settings.seed = seed ?? pipeline.sampling.seed

        let session = try TrainingInputs.session(
            blueprint: blueprint, settings: settings, labels: labels, train: trainSet, valid: validSet,
            output: output, latest: checkpoint,
            resume: resume)
        let stop = StopSignal()
        var progress = ProgressLine()
        let finished = try session.run(
            progress: { epoch, done, total in
                if let text = progress.update(epoch: epoch, epochs: session.epochs, done: done, total: total) {
                    FileHandle.standardError.write(Data(text.utf8))
                }
            },
            report: { line in
                try StandardOutput.writeLine(line)
            },
            shouldStop: { stop.isRaised })
        return finished
    }
}
