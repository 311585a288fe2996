// One camera run exactly as `vigil watch` runs it, started and stopped on its own: what a cluster worker needs
// (docs/cluster.md). WatchRunner runs a fixed set of cameras; a worker adds and drops them while it runs.
import Foundation
import Stream

/// A camera a cluster worker owns. `start()` launches its threads; `stop()` ends it (every open event gets its
/// `end`, then `offline`); `hasEnded` turns true once both threads are done. The owner calls `abortIfStarved()`
/// a few times a second, as WatchRunner's monitor does.
public final class WatchedCamera: @unchecked Sendable {
    private let camera: Camera
    private let ended: EndFlag

    /// A camera ready to start; a setting out of range or a model that cannot be built fails here.
    public init(spec: CameraSpec, stages: WatchStages, sink: any EventSink) throws {
        let checked = CameraSpec(name: spec.name, url: spec.url, settings: try spec.settings.validated(camera: spec.name))
        let ended = EndFlag()
        self.ended = ended
        camera = try Camera(spec: checked, stages: stages, sink: sink, finished: { ended.set() })
    }

    public var name: String { camera.spec.name }
    public func start() { camera.start() }
    public func stop() { camera.stop() }
    public func abortIfStarved() { camera.abortIfStarved() }

    /// True while the no-frames watchdog is satisfied: a frame (or a new connection attempt) came within
    /// `--no-frames-timeout`.
    public var isHealthy: Bool { !ended.isSet && !camera.watchdog.isStarved }
    /// True once the camera's threads are done (after `stop()`, or at the end of a file).
    public var hasEnded: Bool { ended.isSet }

    /// Waits until the camera has ended, at most `seconds`; true if it did.
    public func waitUntilEnded(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !ended.isSet && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return ended.isSet
    }
}

/// A flag set once from any thread.
private final class EndFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

extension WatchRequest {
    /// The stages every camera of a worker shares (model, extractors, event policy), loaded and checked once.
    /// plan() needs a camera to plan; the one given here is only named, never opened.
    public func sharedStages() throws -> WatchStages {
        var request = self
        request.urls = ["cluster-worker"]
        return try request.plan().stages
    }

    /// `camera` as `vigil watch` would run it: flags over the camera's settings over the pipeline's over defaults.
    /// Clips as `vigil watch` resolves them: `--clips`, else the `clips:` of the worker's pipeline camera of that name
    /// (with its `clip_pre` / `clip_post`); `.badSetting` for a clip setting that is not a number.
    public func spec(for camera: CameraConfig) throws -> CameraSpec {
        var camera = camera
        if let local = settings.config.cameras.first(where: { $0.name == camera.name }) {
            for key in ["clips", "clip_pre", "clip_post"] where camera.extra[key] == nil { camera.extra[key] = local.extra[key] }
        }
        let resolved = Self.resolved(camera, against: settings.config.source)
        var watch = settings.watchSettings(for: resolved)
        watch.clips = try settings.clipSettings(for: resolved)  // checked with the rest by WatchedCamera
        return CameraSpec(name: resolved.name, url: resolved.url, settings: watch)
    }
}
