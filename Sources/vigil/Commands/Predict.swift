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

    /// `--weights`, `--config` (alias `--pipeline`: its model sizes must match the weights), `--labels`, `--top-k`.
    @OptionGroup var model: ModelOptions

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
        guard model.weights != nil || model.pipeline != nil else { throw ValidationError("give --weights (or a --config naming model.weights)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        try reportingFailures {
            ComputePolicy.configure(threads: threads, verbose: verbose)
            var flags = SettingFlags()
            apply(to: &flags)
            let settings = PipelineSettings(config: try model.loadConfig(useDefault: false), flags: flags)
            let predictor = try Predictor(settings: settings)
            try predictor.predict(
                files: inputs.map(URL.init(fileURLWithPath:)), batchSize: batchSize, topK: settings.topK,
                allScores: allScores) { try StandardOutput.writeLine($0) }
        }
    }

    func apply(to flags: inout SettingFlags) {
        model.apply(to: &flags)
        (flags.segNum, flags.seed) = (segNum, seed)
        flags.mode = sampling.flatMap(SamplingConfig.Mode.init(rawValue:))
    }
}
