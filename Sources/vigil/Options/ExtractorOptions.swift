// Flags that choose the feature extractors.
import ArgumentParser
import Pipeline

/// `--rgb-extractor`, `--audio-extractor`, `--extractor-timeout`.
struct ExtractorOptions: SettingFlagGroup {
    @Option(name: .customLong("rgb-extractor"), help: "builtin, builtin:DIM, efficientnet-lite0, efficientnet-lite0:logits or exec:COMMAND (docs/extractors.md).")
    var rgbExtractor: String?

    @Option(name: .customLong("audio-extractor"), help: "builtin or exec:COMMAND (docs/extractors.md).")
    var audioExtractor: String?

    @Option(name: .customLong("extractor-timeout"), help: "Seconds an exec plug-in may take per frame or window.")
    var extractorTimeout: Double = SettingDefaults.extractorTimeout

    func apply(to flags: inout SettingFlags) {
        flags.rgbExtractor = rgbExtractor
        flags.audioExtractor = audioExtractor
        flags.extractorTimeout = extractorTimeout
    }
}
