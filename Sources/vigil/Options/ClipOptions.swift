// Flags that turn on clips and snapshots of events (classify and watch; docs/watch.md "Clips").
import ArgumentParser
import Pipeline

/// `--clips DIR`, `--clip-pre`, `--clip-post`.
struct ClipOptions: SettingFlagGroup {
    @Option(help: "Write a JPEG snapshot per event start and a clip per event (stream copy) into this folder (classify: finds the events with watch's sliding windows and prints their start/end lines after the input's line).")
    var clips: String?

    @Option(name: .customLong("clip-pre"), help: "Seconds recorded before an event's start (default 5).")
    var clipPre: Double?

    @Option(name: .customLong("clip-post"), help: "Seconds recorded after an event's end (default 5).")
    var clipPost: Double?

    func apply(to flags: inout SettingFlags) {
        flags.clipsDirectory = clips
        flags.clipPre = clipPre
        flags.clipPost = clipPost
    }
}
