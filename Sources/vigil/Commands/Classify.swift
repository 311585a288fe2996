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

    @Option(help: "Also draw per-class score over time (sliding windows) as an SVG (one input only).")
    var timeline: String?

    @Option(name: .customLong("timeline-window"), help: "Seconds of video per timeline window.")
    var timelineWindow: Double = 10

    @Option(help: "Also find events with watch's sliding windows and write a snapshot and a clip per event into this folder; prints their start/end lines after the input's line.")
    var clips: String?

    @Option(name: .customLong("clip-pre"), help: "Seconds recorded before an event's start (default 5).")
    var clipPre: Double = 5

    @Option(name: .customLong("clip-post"), help: "Seconds recorded after an event's end (default 5).")
    var clipPost: Double = 5

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input") }
        if timeline != nil, inputs.count > 1 { throw ValidationError("--timeline draws one input; give one") }
        try checkRange(timelineWindow, "--timeline-window", NumberLimits.seconds)
        for (name, value) in [("--clip-pre", clipPre), ("--clip-post", clipPost)] { try checkRange(value, name, 0...NumberLimits.seconds.upperBound) }
    }

    func run() throws {
        try reportingFailures {
            var settings = PipelineSettings(config: try model.loadConfig(useDefault: true, for: inputs[0]))
            model.apply(to: &settings)
            sampling.apply(to: &settings)
            extractors.apply(to: &settings)
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
                if let clips {
                    var clipSettings = ClipSettings(directory: clips)
                    (clipSettings.preSeconds, clipSettings.postSeconds) = (clipPre, clipPost)
                    try FileEventClips.run(input, settings: settings, clips: clipSettings)
                }
            }
        }
    }
}
