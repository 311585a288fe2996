// Runs every camera of a watch until they end or a signal arrives; one lost camera never stops the others.
import Foundation
import Stream

/// Watches cameras concurrently, each on its own threads, sending events to one sink (EventSink). `run()` returns
/// when every camera has ended (files reach their end; live cameras end only on SIGINT/SIGTERM/SIGHUP or `stop()`).
public final class WatchRunner: @unchecked Sendable {
    private let cameras: [Camera]
    private let sink: any EventSink
    private let batcher: WindowBatcher?
    private let done = DispatchGroup()

    /// Cameras ready to start; a setting out of range or weights that do not make a model fail here.
    public init(cameras: [CameraSpec], stages: WatchStages, sink: any EventSink) throws {
        let group = done
        var built: [Camera] = []
        for spec in cameras {
            let checked = CameraSpec(name: spec.name, url: spec.url, settings: try spec.settings.validated(camera: spec.name))
            built.append(try Camera(spec: checked, stages: stages, sink: sink, finished: { group.leave() }))
        }
        self.cameras = built
        self.sink = sink
        batcher = stages.batcher
    }

    /// Starts every camera and waits for all of them. SIGINT/SIGTERM/SIGHUP end every camera cleanly (every open event
    /// gets its `end`). Throws when events could not be written, or when no camera came online and a file
    /// camera failed (e.g. a missing file); live cameras that never connect just keep retrying.
    public func run() throws {
        handleSignals()
        // Cameras classify in parallel on their own threads, each OpenBLAS call on its caller's thread: the process's
        // ComputePolicy (Startup) already set OpenBLAS to one thread, so nothing is switched here.
        for camera in cameras {
            done.enter()
            camera.start()
        }
        let monitor = Thread { [cameras] in
            while !Thread.current.isCancelled {
                for camera in cameras { camera.abortIfStarved() }
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
        monitor.start()
        done.wait()
        monitor.cancel()
        if let summary = batcher?.summary { FileHandle.standardError.write(Data((summary + "\n").utf8)) }
        sink.close(within: 5)  // every camera has ended its events; network sinks deliver what they still hold
        let failures = cameras.compactMap(\.failure)
        if let writing = failures.first(where: { $0 is StreamError }) { throw writing }
        if !cameras.contains(where: \.wasOnline), let failure = failures.first { throw failure }
    }

    /// Ends every camera (from any thread).
    public func stop() {
        for camera in cameras { camera.stop() }
    }

    private func handleSignals() {
        _ = StopSignals.handle { [weak self] in self?.stop() }  // SIGINT, SIGTERM, SIGHUP: every open event ends
    }
}
