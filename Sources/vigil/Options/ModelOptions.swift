// Flags that choose the model: a pipeline file and/or weights, labels, how many classes to print.
import ArgumentParser
import Foundation
import Pipeline

/// `--pipeline` (alias `--config`), `--weights`, `--labels`, `--top-k`.
struct ModelOptions: SettingFlagGroup {
    @Option(name: [.customLong("pipeline"), .customLong("config")], help: "Pipeline YAML (Vigil, PaddleVideo or PaddleCV layout).")
    var pipeline: String?

    @Option(help: "Model weights (.safetensors or .pdparams); overrides the pipeline's.")
    var weights: String?

    @Option(help: "Label names: YouTube-8M vocabulary.csv or one name per line; overrides the pipeline's.")
    var labels: String?

    @Option(name: .customLong("top-k"), help: "How many classes to report.")
    var topK: Int?

    /// The pipeline file named by `--pipeline`, or the default one when neither it nor `--weights` is given; the
    /// error for having no model at all names `input` (the first thing the command would have classified), if given.
    func loadConfig(useDefault: Bool, for input: String? = nil) throws -> PipelineConfig {
        if let pipeline { return try PipelineConfig.load(contentsOf: URL(fileURLWithPath: pipeline)) }
        guard useDefault, weights == nil else { return PipelineConfig() }
        guard let url = PipelineConfig.defaultPipelineURL() else {
            let looked = PipelineConfig.candidateDefaultPipelines(executable: Bundle.main.executableURL).map(\.path)
            throw PipelineError.missingInput(
                "\(input.map { "\($0): " } ?? "")no model to classify with: pass --weights or --pipeline (no default pipeline at \(looked.joined(separator: ", ")))")
        }
        return try PipelineConfig.load(contentsOf: url)
    }

    func apply(to flags: inout SettingFlags) {
        flags.weights = weights.map(URL.init(fileURLWithPath:))
        flags.labels = labels.map(URL.init(fileURLWithPath:))
        flags.topK = topK
    }
}
