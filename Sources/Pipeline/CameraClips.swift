// A camera's clips: the pre-roll ring fed from the live reader, one recording shared by overlapping events, and a
// snapshot per event start.
import Foundation
import Media
import Stream

/// Records a camera's events while it is watched (docs/watch.md, "Clips and snapshots").
///
/// The decode thread feeds every packet of the connection (`connect`) into a `PacketRing` and, while a recording is
/// open, to the camera's `ClipWriter` (its own thread, behind a bounded inbox: the decode thread never touches the
/// disk); it also marks each sampled frame's pts with its epoch time, which maps event times back to stream time.
/// The classifier thread annotates lifecycle lines: a `start` gets the snapshot (decoded from the ring) and opens or
/// joins the recording; an `end` gets the recording's path and sets where it may stop. The writer thread tells how
/// each recording ended (`written`): a clip cut short by dropped packets, or not written, gives a status line.
///
/// Overlapping events share one recording: while any event of the camera is open the recording runs; when the last
/// one has ended it runs until the latest `end + post` among its events, then is finished. An event that starts
/// before that joins it (its pre-roll is already in the file), so the same seconds are never written twice and
/// every `end` line of those events names the same file (named after the first event). A lost connection finishes
/// the recording at its last packet (the next connection is not appended to it); events still open when the camera
/// comes back get a new recording from the new connection's first keyframe (`<camera>-<id>-2…`), and their `end`
/// lines name both (`clips`). Start lines that come after the end (a file's last windows) join the recording
/// finished then or get one from the ring.
final class CameraClips: @unchecked Sendable {
    let camera: String
    let settings: ClipSettings
    let folder: ClipFolder
    private let lock = NSLock()
    private let ring: PacketRing
    private var streams: PacketStreams?
    /// A recent sampled frame's pts and epoch time on the current connection (epoch = pts + constant).
    private var mark: (pts: Double, epoch: Double)?
    private var recording: Recording?
    /// False between the end of a connection and the next: the ring keeps the connection's last packets, for the
    /// start lines still coming (a file's decode thread runs ahead of its classifier).
    private var connected = false
    /// The last recording finished (path and source pts of its first packet), which late start lines may join.
    private var lastFinished: (path: String, startPTS: Double)?
    /// The clips each open event is in, in order (more than one when it spans a reconnect).
    private var clipsOfEvent: [String: [String]] = [:]
    /// Events whose recording the end of the connection finished while they were open: the next connection
    /// records them again from its first keyframe.
    private var carried: Set<String> = []
    /// Says why a clip or snapshot could not be written (a status line).
    private let problem: @Sendable (String) -> Void

    /// Writes the recordings on its own thread.
    private var writer: ClipWriter!
    /// Clips cut short because the writer's inbox dropped packets.
    private(set) var cutClips = 0

    private struct Recording {
        let target: ClipWriter.Recording
        var openEvents: Set<String>
        /// The latest `end + post` (pts) of the events that have ended.
        var stopAt = -Double.infinity
        /// Source pts of the first packet (the keyframe the clip starts on) and of the newest video packet sent.
        let startPTS: Double
        var endPTS: Double
        /// Jobs sent to the writer for this recording (the next job's sequence number).
        var sent = 0
    }

    /// `isFile`: the camera reads a file (the writer's inbox waits for room instead of dropping).
    init(camera: String, settings: ClipSettings, isFile: Bool, problem: @escaping @Sendable (String) -> Void) throws {
        self.camera = camera
        self.settings = settings
        self.problem = problem
        folder = try ClipFolder.named(settings.directory, maxBytes: settings.maxBytes)
        ring = PacketRing(seconds: settings.preSeconds + settings.startDelaySeconds, maxBytes: settings.ringMaxBytes)
        writer = ClipWriter(capacity: settings.writerQueuePackets, waitForRoom: isFile, folder: folder) {
            [weak self] in self?.written($0, $1)
        }
    }

    /// Packets the ring dropped because its byte bound bit.
    var droppedPackets: Int { lock.withLock { ring.droppedPackets } }
    /// Packets (and other jobs) the writer's inbox dropped because the disk did not keep up.
    var droppedWrites: Int { writer.droppedJobs }

    /// The camera has stopped: the open recording is finished and the writer finishes what it holds, within
    /// `timeoutSeconds` (a stalled disk leaves that clip as `.part`, with a line on stderr).
    func close(timeoutSeconds: Double = 10) {
        lock.withLock { finishRecording() }
        if !writer.close(timeoutSeconds: timeoutSeconds) {
            FileHandle.standardError.write(Data(
                "vigil: \(camera): the clip writer did not finish within \(Camera.seconds(timeoutSeconds)); its clip stays .part\n".utf8))
        }
    }

    // MARK: Decode thread

    /// A new connection: packets of `reader` feed the ring from now on.
    func connect(_ reader: MediaReader) {
        let streams = try? reader.packetStreams()
        lock.withLock {
            finishRecording()
            ring.reset()
            self.streams = streams
            mark = nil
            connected = true
            lastFinished = nil
        }
        reader.packetObserver = { [weak self] packet in self?.take(packet) }
    }

    /// The connection ended (or failed): an open recording is finished at its last packet. The ring, the streams
    /// and the clock stay until the next connection, for start lines that are still to come.
    func disconnect() {
        lock.withLock {
            connected = false
            carried.formUnion(recording?.openEvents ?? [])
            finishRecording()
        }
    }

    /// The sampled frame at `pts` has epoch time `epoch` (the camera's stream clock).
    func mark(pts: Double, epoch: Double) { lock.withLock { mark = (pts, epoch) } }

    /// One lock, a ring append and (while recording) an inbox append: nothing else per packet.
    private func take(_ packet: EncodedPacket) {
        lock.lock()
        defer { lock.unlock() }
        ring.append(packet)
        guard recording != nil else {
            if !carried.isEmpty, connected, packet.isVideo, packet.isKeyframe, packet.pts.isFinite {
                continueRecording(at: packet.pts)
            }
            return
        }
        send(.packet(packet))
        if packet.isVideo && packet.pts.isFinite { recording!.endPTS = max(recording!.endPTS, packet.pts) }
        if recording!.openEvents.isEmpty && recording!.endPTS >= recording!.stopAt { finishRecording() }
    }

    /// The camera is back while events of the last connection are still open: a new recording for them from this
    /// keyframe (the ring's first packet). Under the lock.
    private func continueRecording(at pts: Double) {
        guard let streams, let first = carried.min() else { return }
        let part = (clipsOfEvent[first]?.count ?? 1) + 1
        let target = ClipWriter.Recording(base: folder.path("\(ClipFolder.fileName(camera))-\(first)-\(part)"), streams: streams)
        recording = Recording(target: target, openEvents: carried, startPTS: pts, endPTS: pts)
        send(.open(Array(ring.packets(fromKeyframeAtOrBefore: pts))))
        for id in carried { clipsOfEvent[id, default: []].append(target.path) }
        carried = []
    }

    /// Hands `work` for the open recording to the writer. Under the lock.
    private func send(_ work: ClipWriter.Work) {
        guard let current = recording else { return }
        writer.put(ClipWriter.Job(recording: current.target, sequence: current.sent, work: work))
        recording!.sent += 1
    }

    // MARK: Classifier thread

    /// `steps` with their snapshot (start) and clip (end) paths.
    func annotate(_ steps: [LifecycleEvent]) -> [LifecycleEvent] {
        steps.map { step in
            var step = step
            switch step.phase {
            case .start: started(&step)
            case .end:
                let clips = ended(step)
                step.clip = clips.first
                step.clips = clips.count > 1 ? clips : nil
            case .update: break
            }
            return step
        }
    }

    private func started(_ event: inout LifecycleEvent) {
        let base = "\(ClipFolder.fileName(camera))-\(event.id)"
        let (snapshotPackets, video, pts): ([EncodedPacket], StreamParameters?, Double?) = lock.withLock {
            guard let streams, let pts = streamTime(event.startTime) else { return ([], nil, nil) }
            openRecording(for: event.id, from: pts - settings.preSeconds, base: folder.path(base), streams)
            return (Array(ring.packets(fromKeyframeAtOrBefore: pts)), streams.video, pts)
        }
        guard let video, let pts, !snapshotPackets.isEmpty else { return }
        let path = folder.path(base + ".jpg")
        do {
            try JPEGSnapshot.write(snapshotPackets, video: video, at: pts, to: path)
            event.snapshot = path
            folder.enforceLimit(keeping: path)
        } catch {
            report("snapshot not written: \(Camera.describe(error))")
        }
    }

    private func ended(_ event: LifecycleEvent) -> [String] {
        lock.withLock {
            let paths = clipsOfEvent.removeValue(forKey: event.id) ?? []
            carried.remove(event.id)
            guard var current = recording, current.openEvents.remove(event.id) != nil else { return paths }
            let end = streamTime(event.endTime ?? event.startTime) ?? current.endPTS
            current.stopAt = max(current.stopAt, end + settings.postSeconds)
            recording = current
            if current.openEvents.isEmpty && current.endPTS >= current.stopAt { finishRecording() }
            return paths
        }
    }

    /// Opens a recording from the keyframe at or before `from`, or joins the one running. After the connection
    /// ended, joins the recording finished then when it reaches back to `from`, else writes what the ring holds
    /// and finishes at once. Under the lock.
    private func openRecording(for id: String, from: Double, base: String, _ streams: PacketStreams) {
        if var current = recording {
            current.openEvents.insert(id)
            recording = current
            if clipsOfEvent[id]?.last != current.target.path { clipsOfEvent[id, default: []].append(current.target.path) }
            return
        }
        if !connected, let last = lastFinished, last.startPTS <= max(from, ring.packets.first?.pts ?? from) {
            clipsOfEvent[id] = [last.path]
            return
        }
        let preRoll = Array(ring.packets(fromKeyframeAtOrBefore: from))
        let target = ClipWriter.Recording(base: base, streams: streams)
        let videoPTS = preRoll.lazy.filter { $0.isVideo && $0.pts.isFinite }.map(\.pts)
        recording = Recording(target: target, openEvents: [id], startPTS: preRoll.first?.pts ?? from,
                              endPTS: videoPTS.max() ?? -.infinity)
        send(.open(preRoll))
        clipsOfEvent[id] = [target.path]
        if !connected { finishRecording() }
    }

    /// Asks the writer to finish the recording (index written, renamed; it keeps the folder under its limit).
    /// Under the lock.
    private func finishRecording() {
        guard let current = recording else { return }
        send(.finish)
        recording = nil
        lastFinished = (current.target.path, current.startPTS)
    }

    // MARK: Writer thread

    /// How the writer ended `target`: a clip cut short is kept (its events still name it) and the next start opens a
    /// new recording; a clip not written is forgotten. Either gives a status line; the camera keeps running.
    private func written(_ target: ClipWriter.Recording, _ outcome: ClipWriter.Outcome) {
        let reason: String? = lock.withLock {
            if case .written = outcome { return nil }
            if recording?.target === target { recording = nil }  // the writer takes nothing more for it
            switch outcome {
            case .written: return nil
            case .cut(let dropped, let seconds):
                cutClips += 1
                let count = dropped.map { "\($0) packets" } ?? "packets"
                return "clip cut short: \(count) dropped (the disk did not keep up); \(target.path) holds the first "
                    + String(format: "%.1f s", seconds)
            case .empty:
                forget(target.path)
                return nil
            case .failed(let reason):
                forget(target.path)
                return "clip not written: \(reason)"
            }
        }
        if let reason { report(reason) }
    }

    /// No later `end` line names a clip that was not written. Under the lock.
    private func forget(_ path: String) {
        clipsOfEvent = clipsOfEvent.compactMapValues { paths in
            let kept = paths.filter { $0 != path }
            return kept.isEmpty ? nil : kept
        }
        if lastFinished?.path == path { lastFinished = nil }
    }

    /// The current connection's pts for epoch time `epoch`. Under the lock.
    private func streamTime(_ epoch: Double) -> Double? { mark.map { $0.pts + (epoch - $0.epoch) } }

    private func report(_ reason: String) { problem(reason) }
}

extension Camera {
    /// A clip or snapshot could not be written: a status line with the camera's state as it stands (the problem does
    /// not change it: an online camera stays online, one reconnecting after its sender died mid-clip says so) and a
    /// log line.
    func clipProblem(_ reason: String) {
        FileHandle.standardError.write(Data("vigil: \(spec.name): \(reason)\n".utf8))
        write([.status(StatusEvent(camera: spec.name, state: currentState, reason: reason))])
    }
}
