// `vigil predict`: classify feature files (PaddleVideo .pkl, YouTube-8M .tfrecord, Vigil .safetensors) with
// AttentionLSTM or AttentionCluster weights; one JSON line per video on stdout (docs/models.md).
import ArgumentParser
import Foundation
import Pipeline

struct Predict: ParsableCommand, SettingFlagGroup {
    static let configuration = CommandConfiguration(
        abstract: "Classify the videos in feature files; one JSON line per video: video, model, top_k.",
        discussion: """
            The model type and every size come from the weights (.pdparams or .safetensors). A --config (Vigil, \
            PaddleVideo or PaddleCV YAML) only checks them; a disagreement exits 64 naming the tensor.
            """)

    @Option(help: "Weights: a PaddlePaddle .pdparams or a Vigil .safetensors file (default: the config's model.weights).")
    var weights: String?

    @Option(help: "A pipeline YAML (Vigil, PaddleVideo or PaddleCV layout) whose model sizes must match the weights.")
    var config: String?

    @Option(help: "Class names: YouTube-8M vocabulary.csv or one name per line (default: config's, then the weights').")
    var labels: String?

    @Option(name: .customLong("top-k"), help: "How many classes to list per video (default: config's top_k, else 5).")
    var topK: Int?

    @Flag(name: .customLong("all-scores"), help: "Also print every class's logit and sigmoid score.")
    var allScores = false

    @Option(name: .customLong("seg-num"), help: "AttentionCluster: frames sampled per video (default: config's, else 100).")
    var segNum: Int?

    @Option(help: "AttentionCluster: where each sampled frame falls in its segment: center or random.")
    var sampling: String?

    @Option(help: "Seed for --sampling random (default: the config's, else 0).")
    var seed: UInt64?

    @Option(help: "Videos per forward pass; batches span input files (results stay in input order).")
    var batchSize: Int = 8

    @Option(help: "OpenBLAS threads (default: OpenBLAS's own choice).")
    var threads: Int?

    @Flag(help: "Log the OpenBLAS kernel and thread count on stderr.")
    var verbose = false

    @Argument(help: "Feature files; a shard yields one line per video, in file order.")
    var inputs: [String]

    func validate() throws {
        try checkFlags()
        guard sampling == nil || sampling == "center" || sampling == "random" else {
            throw ValidationError("--sampling must be center or random, not \(sampling ?? "")")
        }
        guard weights != nil || config != nil else { throw ValidationError("give --weights (or a --config naming model.weights)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        try reportingFailures {
            ComputePolicy.configure(threads: threads, verbose: verbose)
            var flags = SettingFlags()
            apply(to: &flags)
            let pipeline = try config.map { try PipelineConfig.load(contentsOf: URL(fileURLWithPath: $0)) } ?? PipelineConfig()
            let settings = PipelineSettings(config: pipeline, flags: flags)
            let predictor = try Predictor(settings: settings)
            try predictor.predict(
                files: inputs.map(URL.init(fileURLWithPath:)), batchSize: batchSize, topK: settings.topK,
                allScores: allScores) { try StandardOutput.writeLine($0) }
        }
    }

    func apply(to flags: inout SettingFlags) {
        flags.weights = weights.map(URL.init(fileURLWithPath:))
        flags.labels = labels.map(URL.init(fileURLWithPath:))
        (flags.topK, flags.segNum, flags.seed) = (topK, segNum, seed)
        flags.mode = sampling.flatMap(SamplingConfig.Mode.init(rawValue:))
    }
}
