// `vigil convert`: PaddlePaddle .pdparams ⇄ Vigil .safetensors, checked by building the model on the way.
import ArgumentParser
import Foundation
import Pipeline

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert model weights: IN.pdparams -o OUT.safetensors, or MODEL.safetensors -o MODEL.pdparams.",
        discussion: """
            The output format follows the -o extension. The weights must make a whole AttentionLSTM or \
            AttentionCluster (every key, consistent shapes), or nothing is written.
            """)

    @Argument(help: "Weights to read: a .pdparams (pickle) or .safetensors file.")
    var input: String

    @Option(name: .shortAndLong, help: "File to write: .safetensors (with model type and labels) or .pdparams.")
    var output: String

    @Option(help: "Class names to store in a .safetensors output (vocabulary.csv or one name per line).")
    var labels: String?

    func run() throws {
        try reportingFailures {
            try WeightConversion.convert(
                URL(fileURLWithPath: input), to: URL(fileURLWithPath: output), labels: labels.map(URL.init(fileURLWithPath:)))
        }
    }
}
