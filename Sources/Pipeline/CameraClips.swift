// A camera's clips: the pre-roll ring fed from the live reader, one recording shared by overlapping events, and a
// snapshot per event start.
import Foundation
import Media
import Stream

/// Records a camera's events while it is watched (docs/watch.md, "Clips and snapshots").
///
/// The decode thread feeds every packet of the connection (`connect`) into a `PacketRing` and, while a recording is
/// open, into its `ClipRecorder`; it also marks each sampled frame's pts with its epoch time, which maps event
/// times back to stream time. The classifier thread annotates lifecycle lines: a `start` gets the snapshot (decoded
/// from the ring) and opens or joins the recording; an `end` gets the recording's path and sets where it may stop.
///
/// Overlapping events share one recording: while any event of the camera is open the recording runs; when the last
/// one has ended it runs until the latest `end + post` among its events, then is finished. An event that starts
/// before that joins it (its pre-roll is already in the file), so the same seconds are never written twice and
/// every `end` line of those events names the same file (named after the first event). A lost connection finishes
/// the recording at its last packet; events still open keep that path (the next connection is not appended), and
/// start lines that come after the end (a file's last windows) join that recording or get one from the ring.
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
    /// The clip each open event will end in.
    private var clipOfEvent: [String: String] = [:]
    /// Says why a clip or snapshot could not be written (a status line).
    private let problem: @Sendable (String) -> Void

    private struct Recording {
        var recorder: ClipRecorder
        var openEvents: Set<String>
        /// The latest `end + post` (pts) of the events that have ended.
        var stopAt = -Double.infinity
    }

    init(camera: String, settings: ClipSettings, problem: @escaping @Sendable (String) -> Void) throws {
        self.camera = camera
        self.settings = settings
        self.problem = problem
        folder = try ClipFolder.named(settings.directory, maxBytes: settings.maxBytes)
        ring = PacketRing(seconds: settings.preSeconds + settings.startDelaySeconds, maxBytes: settings.ringMaxBytes)
    }

    /// Packets the ring dropped because its byte bound bit.
    var droppedPackets: Int { lock.withLock { ring.droppedPackets } }

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
            finishRecording()
        }
    }

    /// The sampled frame at `pts` has epoch time `epoch` (the camera's stream clock).
    func mark(pts: Double, epoch: Double) { lock.withLock { mark = (pts, epoch) } }

    private func take(_ packet: EncodedPacket) {
        lock.withLock {
            ring.append(packet)
            guard let current = recording else { return }
            do {
                try current.recorder.write(packet)
            } catch {
                fail(current.recorder.path, error)
                return
            }
            if current.openEvents.isEmpty && current.recorder.endPTS >= current.stopAt { finishRecording() }
        }
    }

    // MARK: Classifier thread

    /// `steps` with their snapshot (start) and clip (end) paths.
    func annotate(_ steps: [LifecycleEvent]) -> [LifecycleEvent] {
        steps.map { step in
            var step = step
            switch step.phase {
            case .start: started(&step)
            case .end: step.clip = ended(step)
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

    private func ended(_ event: LifecycleEvent) -> String? {
        lock.withLock {
            let path = clipOfEvent.removeValue(forKey: event.id)
            guard var current = recording, current.openEvents.remove(event.id) != nil else { return path }
            let end = streamTime(event.endTime ?? event.startTime) ?? current.recorder.endPTS
            current.stopAt = max(current.stopAt, end + settings.postSeconds)
            recording = current
            if current.openEvents.isEmpty && current.recorder.endPTS >= current.stopAt { finishRecording() }
            return path
        }
    }

    /// Opens a recording from the keyframe at or before `from`, or joins the one running. After the connection
    /// ended, joins the recording finished then when it reaches back to `from`, else writes what the ring holds
    /// and finishes at once. Under the lock.
    private func openRecording(for id: String, from: Double, base: String, _ streams: PacketStreams) {
        if var current = recording {
            current.openEvents.insert(id)
            recording = current
            clipOfEvent[id] = current.recorder.path
            return
        }
        if !connected, let last = lastFinished, last.startPTS <= max(from, ring.packets.first?.pts ?? from) {
            clipOfEvent[id] = last.path
            return
        }
        let recorder: ClipRecorder
        do {
            recorder = try ClipRecorder(base: base, streams: streams)
            for packet in ring.packets(fromKeyframeAtOrBefore: from) { try recorder.write(packet) }
        } catch {
            report("clip not written: \(Camera.describe(error))")
            return
        }
        recording = Recording(recorder: recorder, openEvents: [id])
        clipOfEvent[id] = recorder.path
        if !connected { finishRecording() }
    }

    /// Finishes the recording (index written, renamed) and keeps the folder under its limit. Under the lock.
    private func finishRecording() {
        guard let current = recording else { return }
        recording = nil
        do {
            if let path = try current.recorder.finish() {
                lastFinished = current.recorder.startPTS.map { (path, $0) }
                folder.enforceLimit(keeping: path)
                return
            }
        } catch {
            report("clip not written: \(Camera.describe(error))")
        }
        forget(current.recorder.path)
    }

    /// A write failed (disk full, file too large): the partial clip is deleted; the camera keeps running.
    private func fail(_ path: String, _ error: any Error) {
        recording?.recorder.abandon()
        recording = nil
        forget(path)
        report("clip not written: \(Camera.describe(error))")
    }

    /// No `end` line names a clip that was not written. Under the lock.
    private func forget(_ path: String) { clipOfEvent = clipOfEvent.filter { $0.value != path } }

    /// The current connection's pts for epoch time `epoch`. Under the lock.
    private func streamTime(_ epoch: Double) -> Double? { mark.map { $0.pts + (epoch - $0.epoch) } }

    private func report(_ reason: String) { problem(reason) }
}

extension Camera {
    /// A clip or snapshot could not be written: a status line (the camera stays online) and a log line.
    func clipProblem(_ reason: String) {
        FileHandle.standardError.write(Data("vigil: \(spec.name): \(reason)\n".utf8))
        write([.status(StatusEvent(camera: spec.name, state: .online, reason: reason))])
    }
}
