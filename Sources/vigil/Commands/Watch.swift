// `vigil watch`: tail camera streams, classify rolling windows, print events as JSON Lines (docs/events.md).
import ArgumentParser
import Foundation
import Pipeline

struct Watch: ParsableCommand, SettingFlagGroup {
    static let configuration = CommandConfiguration(
        abstract: "Watch cameras: classify rolling windows and print events as JSON Lines.",
        discussion: """
            Inputs: rtsp:// (TCP by default), http(s)://, udp:// or rtp:// MPEG-TS, a file, or a file still being \
            written. Several at once, or a --pipeline with a cameras: map. Runs until SIGINT/SIGTERM/SIGHUP (files: until \
            they end); every open event gets its end line. See docs/watch.md and docs/events.md.
            """)

    @Argument(help: "Camera URLs or files (default: the pipeline's cameras).")
    var urls: [String] = []

    @OptionGroup var model: ModelOptions
    @OptionGroup var extractors: ExtractorOptions
    @OptionGroup var sinks: EventSinkOptions
    @OptionGroup var clipOptions: ClipOptions

    @Option(name: .customLong("seg-num"), help: "AttentionCluster: uniform picks per window (default: the pipeline's, else 100).")
    var segNum: Int?

    @Option(help: "Frames sampled per second of stream time (default: the pipeline's, else 1).")
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

    @Option(name: .customLong("clips-max-bytes"), help: "Keep the clips folder under this many bytes, oldest deleted first.")
    var clipsMaxBytes: Int64?

    @Option(help: "Frames decoded: auto (keyframes only on a network camera whose keyframe interval fits 1/fps), all, or keyframes.")
    var decode: String = "auto"

    @Option(help: "Most windows of different cameras classified in one forward pass; 1 (default) classifies each camera's alone.")
    var batchSize = SettingDefaults.watchBatchSize

    @Flag(inversion: .prefixedNo, help: "Print a line per classified window.")
    var windowEvents = true

    @OptionGroup(title: "Cluster (docs/cluster.md)") var cluster: WatchClusterOptions

    func validate() throws {
        try cluster.check(urls: urls)
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        try checkFlags()
    }

    func apply(to flags: inout SettingFlags) {
        (flags.segNum, flags.fps, flags.window, flags.stride) = (segNum, fps, window, stride)
        (flags.retryInterval, flags.noFramesTimeout, flags.rtspTransport) = (retryInterval, noFramesTimeout, rtspTransport)
        (flags.clipsMaxBytes, flags.decoding) = (clipsMaxBytes, decode)
    }

    func run() throws {
        try reportingFailures {
            var flags = SettingFlags()
            for group in [model, extractors, clipOptions, self] as [any SettingFlagGroup] { group.apply(to: &flags) }
            let settings = PipelineSettings(config: try model.loadConfig(useDefault: true, for: urls.first ?? "watch"), flags: flags)
            var request = WatchRequest(settings: settings)
            request.urls = sinks.cameraURLs(urls)
            request.batchSize = batchSize
            if cluster.connection.cluster != nil { return try cluster.runWorker(request, windowEvents: windowEvents) }
            var (cameras, stages) = try cluster.shard(try request.plan())
            let sink = try sinks.request(writesWindows: windowEvents).sink(
                cameras: cameras, stages: &stages, config: settings.config, version: Vigil.configuration.version)
            try WatchRunner(cameras: cameras, stages: stages, sink: sink).run()
        }
    }
}
