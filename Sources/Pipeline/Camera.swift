// One watched camera: threads and reconnects. A decode loop (connect, read, FeatureStream) on its own thread feeds
// a classifier loop (WindowScorer, EventTracker, EventSink) on another through a one-slot mailbox, so a slow model
// never stalls decoding.
import Features
import Foundation
import Media
import Stream

/// A camera being watched. `start()` launches its two threads; `stop()` (from any thread) makes them end: every
/// open event gets its `end`, then the camera reports `offline`.
final class Camera: @unchecked Sendable {
    let spec: CameraSpec
    let stages: WatchStages
    let sink: any EventSink
    /// Arms on every frame; the runner's monitor aborts the current connection when it starves.
    let watchdog: NoFramesWatchdog
    /// Windows waiting for the model: one slot; on a live input a newer window replaces a waiting one.
    let mailbox = Mailbox<CameraWindowJob>(capacity: 1)
    let classifier: WindowClassifier
    /// Clips and snapshots of this camera's events (nil: clips off).
    private(set) var clips: CameraClips?
    private let lock = NSLock()
    private let wake = NSCondition()
    private var currentAbort: MediaAbortHandle?
    /// Whether the current connection follows a growing file (it ends when the file stops growing, not on the watchdog).
    private var currentIsTail = false
    private var stopping = false
    private var away = true
    /// Why a file camera could not be read, or why events could not be written.
    private(set) var failure: (any Error)?
    private(set) var wasOnline = false
    /// Called once both threads are done.
    private let finished: @Sendable () -> Void
    private var backoff: ReconnectBackoff

    init(spec: CameraSpec, stages: WatchStages, sink: any EventSink, finished: @escaping @Sendable () -> Void) throws {
        self.spec = spec
        self.stages = stages
        self.sink = sink
        self.finished = finished
        watchdog = try NoFramesWatchdog(timeoutSeconds: spec.settings.noFramesTimeoutSeconds)
        backoff = try ReconnectBackoff(retrySeconds: spec.settings.retrySeconds)
        classifier = try stages.batcher?.classifier ?? stages.model.instance()  // batched: the one shared instance
        clips = try spec.settings.clips.map { settings in
            try CameraClips(camera: spec.name, settings: settings, isFile: spec.isLocalFile) { [weak self] in
                self?.clipProblem($0)
            }
        }
    }

    func start() {
        let classifierDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            classifyLoop()
            classifierDone.signal()
        }
        Thread.detachNewThread { [self] in
            decodeLoop()
            mailbox.close()
            classifierDone.wait()
            clips?.close()  // the last clip is finished before the camera reports offline
            report(.offline, isStopping ? "shutdown" : lastReason)
            finished()
        }
    }

    /// Ends the camera: aborts its connection, wakes its backoff sleep.
    func stop() {
        lock.withLock { stopping = true }
        watchdog.stop()
        abortConnection()
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    /// Aborts the connection in progress.
    func abortConnection() { lock.withLock { currentAbort }?.abort() }

    /// Aborts the connection in progress if no frame came for `--no-frames-timeout` (the runner's monitor). A file
    /// being tailed is left alone: its reads end by themselves once it stops growing, and an abort would drop the
    /// frames still in the decoder.
    func abortIfStarved() {
        lock.withLock { if watchdog.isStarved && !currentIsTail { currentAbort?.abort() } }
    }

    var isStopping: Bool { lock.withLock { stopping } }
    /// True while the camera has no working connection (its open events may expire as `offline`).
    var isAway: Bool { lock.withLock { away } }
    private var lastReason = ""
    /// The last state printed (set by the decode thread under `lock`; a clip problem's status line repeats it).
    private var lastState: StatusEvent.State?
    /// The camera's state as last printed (online before the first line).
    var currentState: StatusEvent.State { lock.withLock { lastState } ?? .online }

    // MARK: Decode loop

    private func decodeLoop() {
        while !isStopping {
            let abort = MediaAbortHandle()
            lock.withLock {
                watchdog.feed()
                currentAbort = abort
                currentIsTail = false
            }
            let reason: String
            do {
                reason = try readConnection(abort)
            } catch {
                reason = watchdog.isStarved ? starvedReason : Self.describe(error)
                lock.withLock { if spec.isLocalFile || spec.isStandardInput, failure == nil { failure = error } }
            }
            lock.withLock { away = true }
            lastReason = reason
            if isStopping || spec.isLocalFile || spec.isStandardInput { break }
            report(.reconnecting, reason)
            sleep(seconds: backoff.nextDelay())
        }
    }

    /// Opens the input and reads it until it ends, stalls or is aborted; returns why it stopped.
    private func readConnection(_ abort: MediaAbortHandle) throws -> String {
        let settings = spec.settings
        let input = CameraInput(spec)
        lock.withLock { currentIsTail = input.isTail }
        let source = try MediaSource(url: input.location, options: input.options, abortHandle: abort)
        watchdog.feed()  // opening has its own deadline; "no frames" counts from the open connection
        let hasAudio = source.info.audioStream != nil && classifier.audioDimension > 0  // rgb-only models read no audio
        let reader = try source.reader(
            ReadRequest(
                video: true, size: stages.frameSize, framesPerSecond: settings.framesPerSecond,
                skipNonReference: settings.skipNonReferenceFrames, audio: hasAudio,
                decoding: settings.decoding == .auto && spec.isLocalFile ? .all : settings.decoding))
        clips?.connect(reader)
        defer { clips?.disconnect() }
        let newStream = { (now: @escaping () -> Double) in
            try FeatureStream(
                extractor: try self.stages.makeExtractor(), audioExtractor: hasAudio ? try self.stages.makeAudioExtractor() : nil,
                audioDimension: self.classifier.audioDimension, windowSeconds: settings.windowSeconds,
                windowFrames: settings.windowFrames, strideSeconds: settings.strideSeconds, now: now)
        }
        var stream = try newStream { Date().timeIntervalSince1970 }
        var online = false
        var newest: (pts: Double, wall: Double)?
        var decoded = (frames: 0, seconds: Self.threadCPUSeconds())
        while let item = try reader.next() {
            switch item {
            case .audio(let chunk):
                hand(try stream.append(chunk), keyframesOnly: reader.decodesKeyframesOnly)
            case .video(let frame):
                guard frame.pts.isFinite else { continue }
                let arrived = NoFramesWatchdog.monotonicSeconds()
                if let jump = TimelineJump(from: newest, to: frame.pts, wall: arrived, frameInterval: 1 / settings.framesPerSecond) {
                    // End the old timeline's windows, go on with a new one that continues where the old one's clock
                    // stopped (segments restarting at 0; a misread 33-bit wrap 26.5 hours ahead).
                    hand(try stream.finish(), keyframesOnly: reader.decodesKeyframesOnly)
                    let resume = (stream.newestEpoch ?? Date().timeIntervalSince1970) + 1 / settings.framesPerSecond
                    FileHandle.standardError.write(Data((jump.message(camera: spec.name) + "\n").utf8))
                    stream = try newStream { resume }
                }
                newest = (frame.pts, arrived)
                if let observer = stages.observer {
                    let seconds = Self.threadCPUSeconds()
                    observer.decoded(
                        camera: spec.name, read: reader.decodedFrames - decoded.frames, kept: 1,
                        decodeSeconds: seconds - decoded.seconds)
                    decoded.frames = reader.decodedFrames
                    if let clips { observer.clipPacketsDropped(camera: spec.name, ring: clips.droppedPackets, writer: clips.droppedWrites) }
                }
                watchdog.feed()
                if !online {
                    online = true
                    wasOnline = true
                    lock.withLock { away = false }
                    backoff.reset()
                    report(.online, "connected")
                }
                hand(try stream.append(frame), keyframesOnly: reader.decodesKeyframesOnly)
            }
            if stages.observer != nil { decoded.seconds = Self.threadCPUSeconds() }  // extraction is not decoding
        }
        if !isStopping { hand(try stream.finish(), keyframesOnly: reader.decodesKeyframesOnly) }
        if isStopping { return "shutdown" }
        if watchdog.isStarved && !input.isTail { return starvedReason }
        return spec.isLocalFile ? "end of file" : "end of stream"
    }

    /// Puts due windows in the mailbox (a file waits for room; a live input replaces a waiting window).
    private func hand(_ windows: [FeatureStream.Window], keyframesOnly: Bool) {
        for window in windows {
            if let endPts = window.rgb.endPts { clips?.mark(pts: endPts, epoch: window.endTime) }
            let job = CameraWindowJob(window, arrivedAt: NoFramesWatchdog.monotonicSeconds(), keyframesOnly: keyframesOnly)
            mailbox.put(job, waitForRoom: spec.isLocalFile)
        }
    }

    /// Waits `seconds` unless the camera is stopped first.
    private func sleep(seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        wake.lock()
        while !isStopping && wake.wait(until: deadline) {}
        wake.unlock()
    }

    /// Prints a status line when the state changes; a repeated state (another failed attempt) goes to stderr.
    func report(_ state: StatusEvent.State, _ reason: String) {
        guard state != lastState else {
            FileHandle.standardError.write(Data("vigil: \(spec.name): still \(state.rawValue): \(reason)\n".utf8))
            return
        }
        lock.withLock { lastState = state }
        write([.status(StatusEvent(camera: spec.name, state: state, reason: reason))])
    }

    /// Writes events; a failed write (stdout gone) stops this camera, and the runner reports it.
    func write(_ events: [Event]) {
        do { try sink.send(events) } catch {
            lock.withLock { if failure == nil { failure = error } }
            stop()
        }
    }

    private var starvedReason: String { "no frames for \(Self.seconds(spec.settings.noFramesTimeoutSeconds))" }

    static func describe(_ error: any Error) -> String {
        if let media = error as? MediaError { return media.reason }
        return (error as? LocalizedError)?.errorDescription ?? "\(error)"
    }

    /// CPU seconds the calling thread has used.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
