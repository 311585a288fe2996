// `vigil extract INPUT -o OUT`: decode, sample and extract features into a .safetensors, .tfrecord or .pkl file.
import ArgumentParser
import Foundation
import Pipeline

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract rgb and audio features of a video into a feature file.",
        discussion: """
            OUT's extension picks the format: .safetensors (tensors rgb [T,Drgb], audio [T,Daudio], timestamps [T]), \
            .tfrecord (YouTube-8M frame level, uint8) or .pkl (PaddleVideo per-video dict, uint8). One row per sampled \
            frame; audio rows hold the second starting at each frame (zeros without an audio track). Prints a \
            one-line JSON summary (frames, dimensions, "audio", per-stage timings). Extractors: docs/extractors.md.
            """)

    @Argument(help: "A media file or URL.")
    var input: String

    @Option(name: .shortAndLong, help: "Output feature file: .safetensors, .tfrecord or .pkl.")
    var output: String

    @Option(name: [.customLong("pipeline"), .customLong("config")], help: "Pipeline YAML whose sampling and extractors to use.")
    var pipeline: String?

    @OptionGroup var sampling: SamplingOptions
    @OptionGroup var extractors: ExtractorOptions

    func validate() throws {
        let known = ["safetensors", "tfrecord", "tfrecords", "pkl", "pickle"]
        guard known.contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("-o must end in .safetensors, .tfrecord or .pkl, got '\(output)'")
        }
    }

    func run() throws {
        try reportingFailures {
            let config = try pipeline.map { try PipelineConfig.load(contentsOf: URL(fileURLWithPath: $0)) } ?? PipelineConfig()
            var flags = SettingFlags()
            sampling.apply(to: &flags)
            extractors.apply(to: &flags)
            let extraction = try FeatureExtraction(settings: PipelineSettings(config: config, flags: flags))
            let progress = ProgressBar(name: input)
            let features = try extraction.run(input, progress: progress.update)
            progress.finish()
            try StandardOutput.writeLine(try features.write(to: URL(fileURLWithPath: output)))
        }
    }
}
