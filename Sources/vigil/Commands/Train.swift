// `vigil train`: fits AttentionLSTM or AttentionCluster to labelled feature files; one JSON line per epoch.
import ArgumentParser
import Foundation
import Pipeline

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

    func validate() throws {
        try checkRange(epochs, "--epochs", 1...NumberLimits.largestInteger)
        try checkRange(batchSize, "--batch-size", 1...NumberLimits.largestInteger)
        try checkRange(lr, "--lr", Double.leastNormalMagnitude...NumberLimits.largestNumber)
    }

    func run() throws {
        try reportingFailures {
            var request = TrainingRequest(config: URL(fileURLWithPath: config), output: URL(fileURLWithPath: output))
            request.train = train.map(URL.init(fileURLWithPath:))
            request.valid = valid.map(URL.init(fileURLWithPath:))
            (request.epochs, request.batchSize, request.learningRate, request.seed) = (epochs, batchSize, lr, seed)
            request.checkpoint = checkpoint.map(URL.init(fileURLWithPath:))
            request.resume = resume.map(URL.init(fileURLWithPath:))
            if try !request.run() {
                FileHandle.standardError.write(Data("vigil train: interrupted; checkpoint written\n".utf8))
                throw ExitCode(Startup.stoppedStatus)
            }
        }
    }
}
