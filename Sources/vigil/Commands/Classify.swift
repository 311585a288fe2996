// `vigil classify INPUT...`: decode → sample → extract → model → one JSON line per input.
import ArgumentParser
import Foundation
import Pipeline

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify video files end to end and print one JSON line per input.",
        discussion: """
            Keys: source, duration, model, frames (rows the model read), sampled_frames, audio (false: no audio \
            track, zero audio features), damaged_frames, top_k [{class, label, score}] (sigmoid scores), timings \
            (seconds per stage). With neither --weights nor --pipeline, uses pipelines/default.yaml installed with \
            the program. A progress bar goes to stderr when it is a terminal.
            """)

    @Argument(help: "Media files or URLs.")
    var inputs: [String]

    @OptionGroup var model: ModelOptions
    @OptionGroup var sampling: SamplingOptions
    @OptionGroup var extractors: ExtractorOptions
    @OptionGroup var clips: ClipOptions

    @Option(help: "Also draw per-class score over time (sliding windows) as an SVG (one input only).")
    var timeline: String?

    @Option(name: .customLong("timeline-window"), help: "Seconds of video per timeline window.")
    var timelineWindow: Double = 10

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input") }
        if timeline != nil, inputs.count > 1 { throw ValidationError("--timeline draws one input; give one") }
        try checkRange(timelineWindow, "--timeline-window", NumberLimits.seconds)
    }

    func run() throws {
        try reportingFailures {
            var flags = SettingFlags()
            for group in [model, sampling, extractors, clips] as [any SettingFlagGroup] { group.apply(to: &flags) }
            let settings = PipelineSettings(config: try model.loadConfig(useDefault: true, for: inputs[0]), flags: flags)
            let pipeline = try ClassifyPipeline(settings)
            for input in inputs {
                let progress = ProgressBar(name: input)
                let (result, features) = try pipeline.run(input, progress: progress.update)
                progress.finish()
                try StandardOutput.writeLine(result)
                if let timeline {
                    let drawn = try pipeline.timeline(features, classes: result.topK, windowSeconds: timelineWindow)
                    try drawn.writeSVG(to: URL(fileURLWithPath: timeline))
                }
                if clips.clips != nil { try FileEventClips.run(input, settings: settings) }
            }
        }
    }
}
