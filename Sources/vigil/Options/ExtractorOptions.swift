// Flags that choose the feature extractors.
import ArgumentParser
import Pipeline

/// `--rgb-extractor`, `--audio-extractor`, `--extractor-timeout`.
struct ExtractorOptions: ParsableArguments {
    @Option(name: .customLong("rgb-extractor"), help: "builtin, builtin:DIM, efficientnet-lite0, efficientnet-lite0:logits or exec:COMMAND (docs/extractors.md).")
    var rgbExtractor: String?

    @Option(name: .customLong("audio-extractor"), help: "builtin or exec:COMMAND (docs/extractors.md).")
    var audioExtractor: String?

    @Option(name: .customLong("extractor-timeout"), help: "Seconds an exec plug-in may take per frame or window.")
    var extractorTimeout: Double = SettingDefaults.extractorTimeout

    func validate() throws {
        try checkRange(extractorTimeout, "--extractor-timeout", NumberLimits.seconds)
    }

    /// Applies these flags to `settings`.
    func apply(to settings: inout PipelineSettings) {
        settings.rgbExtractorFlag = rgbExtractor
        settings.audioExtractorFlag = audioExtractor
        settings.extractorTimeout = extractorTimeout
    }
}
