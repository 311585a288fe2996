// `vigil watch`: tail camera streams, classify rolling windows, print events as JSON Lines (docs/events.md).
import ArgumentParser
import Foundation
import Pipeline
import Stream

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch cameras: classify rolling windows and print events as JSON Lines.",
        discussion: """
            Inputs: rtsp:// (TCP by default), http(s)://, udp:// or rtp:// MPEG-TS, or a file. Several at once, or a \
            --pipeline with a cameras: map. Runs until SIGINT/SIGTERM (files: until they end); every open event \
            gets its end line. Event lines: docs/events.md.
            """)

    @Argument(help: "Camera URLs or files (default: the pipeline's cameras).")
    var urls: [String] = []

    @Option(help: "Pipeline YAML (model, sampling, extractors, watch, cameras).")
    var pipeline: String?

    @Option(help: "Model weights (.safetensors or .pdparams).")
    var weights: String?

    @Option(help: "Label map (vocabulary.csv or one name per line).")
    var labels: String?

    @Option(help: "AttentionCluster: uniform picks per window (default: the pipeline's, else 100).")
    var segNum: Int?

    @Option(help: "Frames sampled per second of stream time (default 1).")
    var fps: Double?

    @Option(help: "Seconds of stream each classification looks at (default seg_num / fps).")
    var window: Double?

    @Option(help: "Seconds of stream between classifications (default 2).")
    var stride: Double?

    @Option(help: "Seconds before reconnecting a lost camera; doubles per failure up to 6x (default 10).")
    var retryInterval: Double?

    @Option(help: "Seconds without a frame before a camera counts as stalled and is reconnected (default 20).")
    var noFramesTimeout: Double?

    @Option(help: "RTSP transport: tcp or udp (default tcp).")
    var rtspTransport: String?

    @Option(help: "Classes listed in each window line.")
    var topK = 5

    @Option(help: "Frame feature extractor: builtin or builtin:DIM (default: the pipeline's, else builtin).")
    var rgbExtractor: String?

    @Flag(inversion: .prefixedNo, help: "Print a line per classified window.")
    var windowEvents = true

    func validate() throws {
        guard topK > 0 else { throw ValidationError("--top-k must be positive") }
        if let rtspTransport, !["tcp", "udp"].contains(rtspTransport) {
            throw ValidationError("--rtsp-transport must be tcp or udp")
        }
    }

    func run() throws {
        try reportingFailures {
            var request = WatchRequest()
            request.urls = urls
            request.pipeline = try pipeline.map { try PipelineConfig.load(contentsOf: URL(fileURLWithPath: $0)) }
            request.weights = weights.map { URL(fileURLWithPath: $0) }
            request.labels = labels.map { URL(fileURLWithPath: $0) }
            (request.segNum, request.fps, request.window, request.stride) = (segNum, fps, window, stride)
            (request.retryInterval, request.noFramesTimeout) = (retryInterval, noFramesTimeout)
            (request.rtspTransport, request.topK, request.rgbExtractor) = (rtspTransport, topK, rgbExtractor)
            let (cameras, stages) = try request.plan()
            let writer = EventWriter(writesWindows: windowEvents)
            try WatchRunner(cameras: cameras, stages: stages, writer: writer).run()
        }
    }
}
