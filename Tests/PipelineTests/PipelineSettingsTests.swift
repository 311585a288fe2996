// The one settings resolver: a flag over a camera's entry over the pipeline file over SettingDefaults, for every
// setting every command resolves; and the one range check of flags. No FFmpeg, no model.
import Foundation
import Media
import Models
import Testing

@testable import Pipeline

private let folder = URL(fileURLWithPath: "/pipelines/site")

/// A pipeline file that sets every key the resolver reads (paths relative to `folder`).
private func fullPipeline() throws -> PipelineConfig {
    try PipelineConfig.parse(
        yaml: """
            model: {weights: w.safetensors, labels: l.txt, top_k: 3}
            sampling: {seg_num: 40, mode: random, seed: 7, fps: 2}
            extractors: {rgb: "builtin:512", audio: "exec:plug"}
            watch: {window: 30, stride: 4}
            cameras:
              front: {url: "rtsp://127.0.0.1/a", fps: 4, seg_num: 20, window: 12, stride: 3, transport: udp, clips: clips, clip_pre: 2, clip_post: 1}
              back: {url: "rtsp://127.0.0.1/b"}
            """,
        file: folder.appendingPathComponent("p.yaml"))
}

/// Flags giving a value for every setting.
private func everyFlag() -> SettingFlags {
    var flags = SettingFlags()
    (flags.weights, flags.labels, flags.topK) = (URL(fileURLWithPath: "/f/w.pdparams"), URL(fileURLWithPath: "/f/l.csv"), 9)
    (flags.fps, flags.segNum, flags.mode, flags.seed, flags.frameSize) = (0.5, 8, .center, 11, "64x48")
    (flags.rgbExtractor, flags.audioExtractor, flags.extractorTimeout) = ("builtin", "builtin", 3)
    (flags.window, flags.stride, flags.retryInterval, flags.noFramesTimeout) = (60, 6, 1, 2)
    (flags.rtspTransport, flags.decoding) = ("tcp", "keyframes")
    (flags.clipsDirectory, flags.clipPre, flags.clipPost, flags.clipsMaxBytes) = ("/out", 7, 8, 1000)
    return flags
}

@Test func defaultsWhenNeitherFlagNorFileSaysAnything() throws {
    let settings = PipelineSettings()
    #expect(settings.weights == nil && settings.labels == nil)
    #expect(settings.topK == 5)
    #expect(settings.rgbExtractor == "builtin" && settings.audioExtractor == "builtin")
    #expect(settings.extractorTimeout == 30)
    #expect(settings.frameSize == FrameSize(width: 224, height: 224))
    #expect(settings.rowMode == .center)
    #expect(settings.segments == 100)
    #expect(settings.frameSampling.rate == .perSecond(1))
    let watch = settings.watchSettings(for: CameraConfig(name: "c", url: "rtsp://127.0.0.1/c"))
    #expect(watch.framesPerSecond == 1 && watch.windowSeconds == 100 && watch.strideSeconds == 2)
    #expect(watch.retrySeconds == 10 && watch.noFramesTimeoutSeconds == 20)
    #expect(watch.rtspTransport == "tcp" && watch.decoding == .auto)
    #expect(try settings.clipSettings(for: CameraConfig(name: "c", url: "x")) == nil)
}

@Test func thePipelineFileOverTheDefaults() throws {
    let settings = PipelineSettings(config: try fullPipeline())
    #expect(settings.weights == folder.appendingPathComponent("w.safetensors"))
    #expect(settings.labels == folder.appendingPathComponent("l.txt"))
    #expect(settings.topK == 3)
    #expect(settings.rgbExtractor == "builtin:512" && settings.audioExtractor == "exec:plug")
    #expect(settings.rowMode == .random(seed: 7))
    #expect(settings.segments == 40)
    #expect(settings.frameSampling.rate == .perSecond(2))
    // A camera without keys of its own takes the file's sampling and watch sections.
    let back = settings.watchSettings(for: try #require(settings.config.cameras.first { $0.name == "back" }))
    #expect(back.framesPerSecond == 2 && back.windowSeconds == 30 && back.strideSeconds == 4)
    #expect(back.rtspTransport == "tcp")
    // Without watch.window the window is seg_num / fps.
    var noWindow = settings
    noWindow.config.watch.window = nil
    #expect(noWindow.watchSettings(for: CameraConfig(name: "c", url: "x")).windowSeconds == 20)
}

@Test func aCameraEntryOverThePipelineFile() throws {
    let settings = PipelineSettings(config: try fullPipeline())
    let front = try #require(settings.config.cameras.first { $0.name == "front" })
    let watch = settings.watchSettings(for: front)
    #expect(watch.framesPerSecond == 4 && watch.windowSeconds == 12 && watch.strideSeconds == 3)
    #expect(watch.rtspTransport == "udp")
    let clips = try #require(try settings.clipSettings(for: front))
    #expect(clips.directory == folder.appendingPathComponent("clips").path)
    #expect(clips.preSeconds == 2 && clips.postSeconds == 1 && clips.maxBytes == nil)
    // The camera's seg_num sets its window when neither a flag nor the camera gives one.
    var entry = front
    entry.window = nil
    var noFileWindow = settings
    noFileWindow.config.watch.window = nil
    #expect(noFileWindow.watchSettings(for: entry).windowSeconds == 5)  // 20 picks / 4 fps
}

@Test func flagsOverEverything() throws {
    let settings = PipelineSettings(config: try fullPipeline(), flags: everyFlag())
    #expect(settings.weights?.path == "/f/w.pdparams" && settings.labels?.path == "/f/l.csv")
    #expect(settings.topK == 9)
    #expect(settings.rgbExtractor == "builtin" && settings.audioExtractor == "builtin")
    #expect(settings.extractorTimeout == 3)
    #expect(settings.frameSize == FrameSize(width: 64, height: 48))
    #expect(settings.rowMode == .center)
    #expect(settings.segments == 8)
    #expect(settings.frameSampling.rate == .segments(8, .center))
    let front = try #require(settings.config.cameras.first { $0.name == "front" })
    let watch = settings.watchSettings(for: front)
    #expect(watch.framesPerSecond == 0.5 && watch.windowSeconds == 60 && watch.strideSeconds == 6)
    #expect(watch.retrySeconds == 1 && watch.noFramesTimeoutSeconds == 2)
    #expect(watch.rtspTransport == "tcp" && watch.decoding == .keyframes)
    let clips = try #require(try settings.clipSettings(for: front))
    #expect(clips.directory == "/out" && clips.preSeconds == 7 && clips.postSeconds == 8 && clips.maxBytes == 1000)
}

@Test func eachFlagAloneWinsOnlyItsOwnSetting() throws {
    var flags = SettingFlags()
    flags.seed = 3  // the file's random mode stays, with the flag's seed
    flags.fps = 5
    let settings = PipelineSettings(config: try fullPipeline(), flags: flags)
    #expect(settings.rowMode == .random(seed: 3))
    #expect(settings.frameSampling.rate == .perSecond(5))
    #expect(settings.segments == 40 && settings.topK == 3)
    let back = settings.watchSettings(for: try #require(settings.config.cameras.first { $0.name == "back" }))
    #expect(back.framesPerSecond == 5 && back.windowSeconds == 30)
}

@Test func theFlagCheckNamesTheFirstFlagOutOfRange() {
    #expect(SettingFlags().problem == nil)
    #expect(everyFlag().problem == nil)
    let bad: [(WritableKeyPath<SettingFlags, Double?>, String)] = [
        (\.fps, "--fps"), (\.window, "--window"), (\.stride, "--stride"), (\.retryInterval, "--retry-interval"),
        (\.noFramesTimeout, "--no-frames-timeout"), (\.extractorTimeout, "--extractor-timeout"), (\.clipPre, "--clip-pre"),
        (\.clipPost, "--clip-post"),
    ]
    for (key, name) in bad {
        var flags = SettingFlags()
        flags[keyPath: key] = 1e300
        #expect(flags.problem?.hasPrefix("\(name) must be between") == true, "\(name): \(flags.problem ?? "nil")")
    }
    var flags = SettingFlags()
    flags.clipPre = 0  // no pre-roll is allowed
    #expect(flags.problem == nil)
    flags.segNum = 1_000_000_000_000
    #expect(flags.problem == "--seg-num must be between 1 and 100000, got 1000000000000")
    for (text, message) in [("0x10", "--size must be WxH"), ("x", "--size must be WxH")] {
        var sized = SettingFlags()
        sized.frameSize = text
        #expect(sized.problem?.hasPrefix(message) == true)
    }
    var other = SettingFlags()
    other.topK = 0
    #expect(other.problem == "--top-k must be at least 1")
    other = SettingFlags()
    other.rtspTransport = "quic"
    #expect(other.problem == "--rtsp-transport must be tcp or udp")
    other = SettingFlags()
    other.decoding = "some"
    #expect(other.problem == "--decode must be auto, all or keyframes")
    other = SettingFlags()
    other.clipsMaxBytes = 0
    #expect(other.problem == "--clips-max-bytes must be positive, got 0")
}
