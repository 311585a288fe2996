// `vigil eval`: YouTube-8M metrics (Hit@1, PERR, GAP, mAP) of trained weights on labelled feature files.
import ArgumentParser
import Foundation
import Pipeline

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure weights on labelled feature files: one JSON line with hit_at_one, perr, gap, map, videos.",
        discussion: """
            Metrics follow the YouTube-8M starter code exactly (docs/training.md): GAP is global over every video's \
            top-k; mAP is the mean over all classes (a class without positives scores 0).
            """)

    @Option(help: "Weights: .safetensors (Vigil) or .pdparams (PaddlePaddle).")
    var weights: String
    @Option(help: "Pipeline YAML: model type and sampling.seg_num when the weights do not say.")
    var config: String?
    @Option(help: "Predictions per video that GAP and mAP consider.")
    var topK: Int = 20
    @Option(help: "Average Hit@1, PERR and GAP over consecutive batches of N videos, as PaddleVideo 2.x reports them.")
    var batchMean: Int?
    @Option(help: "Videos per inference batch.")
    var batchSize: Int = 64
    @Argument(help: "Feature files (.pkl, .tfrecord, .safetensors) or lists of them (.list, .txt).")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one feature file or list") }
        guard topK > 0, batchSize > 0, (batchMean ?? 1) > 0 else {
            throw ValidationError("--top-k, --batch-size and --batch-mean must be positive")
        }
    }

    func run() throws {
        try reportingFailures {
            let metrics = try Evaluation.run(
                weights: URL(fileURLWithPath: weights), config: config.map(URL.init(fileURLWithPath:)),
                inputs: inputs.map(URL.init(fileURLWithPath:)), topK: topK, batchSize: batchSize, batchMean: batchMean)
            try StandardOutput.writeLine(metrics)
        }
    }
}
