// `vigil train`: fits AttentionLSTM or AttentionCluster to labelled feature files; one JSON line per epoch.
import ArgumentParser
import Formats
import Foundation
import Pipeline
import Training

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on labelled feature files listed PaddleVideo-style (one path per line).",
        discussion: """
            Prints one JSON line per epoch on stdout (loss, validation hit_at_one/perr/gap, seconds). \
            Writes the latest weights (--checkpoint, default NAME.last.safetensors) after every epoch and on Ctrl-C, \
            and OUT whenever validation Hit@1 improves.
            """)

    @Option(help: "Pipeline YAML: model sizes, sampling.seg_num, model.labels and the train section.")
    var config: String
    @Option(help: "List of training feature files (default: the config's train list).")
    var train: String?
    @Option(help: "List of validation feature files; OUT keeps the epoch with the best validation Hit@1.")
    var valid: String?
    @Option(help: "Epochs to run in total (default: config, else the model's published recipe).")
    var epochs: Int?
    @Option(help: "Videos per optimisation step.")
    var batchSize: Int?
    @Option(help: "Learning rate; later steps of the schedule keep their ratio to it.")
    var lr: Double?
    @Option(help: "Seed for initialisation, shuffling, segment sampling and dropout (default 0).")
    var seed: UInt64?
    @Option(name: .shortAndLong, help: "Output weights (.safetensors) with model type, config and label names.")
    var output: String
    @Option(help: "Where the latest epoch's weights go (default NAME.last.safetensors beside OUT).")
    var checkpoint: String?
    @Option(help: "Checkpoint to continue from (its weights, completed epochs, best Hit@1, optimiser state).")
    var resume: String?

    func run() throws {
        try reportingFailures {
            let pipeline = try PipelineConfig.load(contentsOf: URL(fileURLWithPath: config))
            let labels = try pipeline.model.labels.map(LabelMap.load)
            guard let trainList = train.map(URL.init(fileURLWithPath:)) ?? pipeline.train.trainList else {
                throw ValidationError("no training list: pass --train or set train.train_list in \(config)")
            }
            let trainSet = try FeatureDataset.load(list: trainList)
            let validSet = try (valid.map(URL.init(fileURLWithPath:)) ?? pipeline.train.validList).map(FeatureDataset.load(list:))

            let model = pipeline.model
            let classes = model.numClasses ?? labels?.names.count ?? trainSet.classCount
            let type = model.type?.rawValue ?? "attention_cluster"
            let blueprint = ModelBlueprint(
                type: type, classes: classes, featureDims: model.featureDims ?? [1024, 128], fcSizes: model.fcSizes,
                embeddingSize: model.embeddingSize ?? 512, lstmSize: model.lstmSize ?? 1024,
                clusterNums: model.clusterNums ?? [32, 32])
            var settings = TrainingSettings()
            let section = pipeline.train
            settings.optimizer = section.optimizer
            settings.learningRate = lr ?? section.learningRate
            settings.boundaries = section.lrBoundaries.flatMap { $0.isEmpty ? nil : $0 }
            settings.rates = section.lrValues.flatMap { $0.isEmpty ? nil : $0 }
            settings.weightDecay = section.weightDecay
            settings.epochs = epochs ?? section.epochs
            settings.batchSize = batchSize ?? section.batchSize
            settings.segments = pipeline.sampling.segNum
            settings.dropRate = model.dropRate
            settings.seed = seed ?? pipeline.sampling.seed

            let session = try TrainingInputs.session(
                blueprint: blueprint, settings: settings, labels: labels, train: trainSet, valid: validSet,
                output: URL(fileURLWithPath: output), latest: checkpoint.map(URL.init(fileURLWithPath:)),
                resume: resume.map(URL.init(fileURLWithPath:)))
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
            if !finished {
                FileHandle.standardError.write(Data("vigil train: interrupted; checkpoint written\n".utf8))
                throw ExitCode(130)
            }
        }
    }
}
