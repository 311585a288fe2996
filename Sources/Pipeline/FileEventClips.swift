// `vigil classify FILE --clips DIR`: the events of a file, found by watch's sliding windows, with their clips.
import Foundation
import Stream

/// Finds the events in a file the way `vigil watch FILE` does (the same stages: FeatureStream → Scorer →
/// EventTracker, with `CameraClips` on the reader's packets), writes a snapshot per start and a clip per event,
/// and prints only the lifecycle lines (no window or status lines). No second implementation: it is a watch of one
/// file camera.
public enum FileEventClips {
    /// Watches `file` with `settings` (model, sampling, extractors; window and events as `vigil watch FILE` resolves
    /// them) and clips into the folder `settings.flags.clipsDirectory` names; the lifecycle lines go to `sink`
    /// (stdout by default).
    public static func run(_ file: String, settings: PipelineSettings,
                           sink: any EventSink = WatchRequest.standardOutputSink(writesWindows: false)) throws {
        guard settings.flags.clipsDirectory != nil else { throw PipelineError.usage("\(file): no --clips folder") }
        var request = WatchRequest(settings: settings)
        request.urls = [file]
        let (cameras, stages) = try request.plan()
        try WatchRunner(cameras: cameras, stages: stages, sink: LifecycleOnly(sink)).run()
    }
}

/// Passes lifecycle lines to another sink and drops window and status lines.
final class LifecycleOnly: EventSink, @unchecked Sendable {
    private let next: any EventSink

    init(_ next: any EventSink) { self.next = next }

    var name: String { next.name }
    var counters: SinkCounters { next.counters }

    func send(_ event: Event) throws(StreamError) {
        if case .lifecycle = event { try next.send(event) }
    }

    func close(within seconds: Double) { next.close(within: seconds) }
}
