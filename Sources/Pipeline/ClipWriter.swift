// A camera's clip writer: a thread of its own fed through a bounded inbox, so a slow or stalled disk never
// stalls the camera's decoding.
import Foundation
import Media
import Stream

/// Writes one camera's recordings (`ClipRecorder`, stream copy) on its own thread. `CameraClips` hands it jobs in
/// order (open a recording with its pre-roll, one packet, finish) through an inbox of `capacity` jobs: a live camera
/// never waits (when the inbox is full its oldest job is dropped and counted), a file waits for room. A job costs
/// the decode thread one uncontended lock and an array append: the writer takes the whole inbox at once, then lets
/// jobs gather for `gatherSeconds` before looking again, and sleeps on a semaphore (woken by the next job) once the
/// inbox stays empty, so a camera that is not recording never wakes it.
///
/// Each job carries its recording and its place in that recording (0 for `open`, then 1, 2, …). A gap means jobs
/// were dropped: the writer finishes the clip at the last packet before the gap (index written, renamed: a clip
/// that plays, only shorter) and takes nothing more for that recording; when the `open` itself was dropped nothing
/// is written. A recording whose `finish` never comes (dropped, or the writer closed) is finished when the next
/// recording's first job arrives or the writer closes. Every outcome is told to `outcome` on the writer thread.
final class ClipWriter: @unchecked Sendable {
    /// One recording: where it goes and the streams its packets belong to. Immutable.
    final class Recording: Sendable {
        let base: String
        /// The finished clip's path (`<base>.mp4|ts|mkv`), known before anything is written.
        let path: String
        let streams: PacketStreams

        init(base: String, streams: PacketStreams) {
            self.base = base
            self.streams = streams
            path = "\(base).\(ClipRecorder.container(for: streams).fileExtension)"
        }
    }

    enum Work {
        /// Open the recording and write the pre-roll.
        case open([EncodedPacket])
        case packet(EncodedPacket)
        case finish
    }

    struct Job {
        let recording: Recording
        /// The job's place in its recording: 0 for `open`, then one more per job.
        let sequence: Int
        let work: Work
    }

    /// What became of a recording.
    enum Outcome {
        /// Finished and renamed to its path.
        case written
        /// Jobs were dropped (the disk did not keep up): finished at the last packet before them, `dropped` jobs lost
        /// (nil when only the end is missing and the count is unknown). `seconds`: the length written.
        case cut(dropped: Int?, seconds: Double)
        /// Nothing to write (no packet reached the clip): no file.
        case empty
        /// Not written (disk full, file too large, or its opening was dropped): no file.
        case failed(String)
    }

    /// Jobs the inbox holds at most; about 10 s of a 1080p30 camera with sound (30 video + 47 AAC packets a second).
    static let defaultCapacity = 768

    private let capacity: Int
    private let waitForRoom: Bool
    private let folder: ClipFolder
    private let outcome: @Sendable (Recording, Outcome) -> Void
    private let done = DispatchSemaphore(value: 0)
    /// Guards `inbox`, `closed`, `idle`, `waitingForRoom` and `dropped`.
    private let lock = NSLock()
    private var inbox: [Job] = []
    private var closed = false
    /// The writer sleeps on `wake` (the next `put` signals it).
    private var idle = false
    private let wake = DispatchSemaphore(value: 0)
    /// `put`s (a file camera's) waiting on `room`.
    private var waitingForRoom = 0
    private let room = DispatchSemaphore(value: 0)
    private var dropped = 0
    /// Touched only by the writer thread.
    private var current: (recording: Recording, recorder: ClipRecorder?, next: Int, over: Bool)?

    /// Starts the writer thread. `waitForRoom`: a file camera (nothing is dropped; its reader waits instead).
    init(capacity: Int = defaultCapacity, waitForRoom: Bool, folder: ClipFolder,
         outcome: @escaping @Sendable (Recording, Outcome) -> Void) {
        self.capacity = max(1, capacity)
        self.waitForRoom = waitForRoom
        self.folder = folder
        self.outcome = outcome
        inbox.reserveCapacity(self.capacity)
        Thread.detachNewThread { [self] in
            var batch: [Job] = []
            batch.reserveCapacity(self.capacity)
            while takeAll(into: &batch) {
                for job in batch { handle(job) }
                batch.removeAll(keepingCapacity: true)
                if !lock.withLock({ closed }) { Thread.sleep(forTimeInterval: Self.gatherSeconds) }
            }
            finishLeftOver(current)
            current = nil
            done.signal()
        }
    }

    /// Queues `job`; never waits on a live camera.
    func put(_ job: Job) {
        lock.lock()
        while waitForRoom && inbox.count >= capacity && !closed {
            waitingForRoom += 1
            lock.unlock()
            room.wait()
            lock.lock()
        }
        defer { lock.unlock() }
        guard !closed else { return }
        if inbox.count >= capacity {
            inbox.removeFirst()
            dropped += 1
        }
        inbox.append(job)
        if idle {
            idle = false
            wake.signal()
        }
    }

    /// Jobs dropped because the inbox was full.
    var droppedJobs: Int { lock.withLock { dropped } }

    /// Lets the writer finish what is queued (the last recording is finished), waiting up to `timeoutSeconds`.
    /// False when the writer is still busy then (a stalled disk; its clip stays `.part`).
    @discardableResult
    func close(timeoutSeconds: Double) -> Bool {
        lock.withLock {
            closed = true
            if idle {
                idle = false
                wake.signal()
            }
            for _ in 0..<waitingForRoom { room.signal() }
            waitingForRoom = 0
        }
        guard done.wait(timeout: .now() + timeoutSeconds) == .success else { return false }
        done.signal()  // a second close returns at once
        return true
    }

    /// How long the writer lets jobs gather once it has written all it had: it wakes twice a second instead of once
    /// per packet (each wake-up is a context switch; 16 cameras at 10 a second showed in a profile). The default
    /// inbox holds 10 s of a camera, so half a second of gathering never fills it.
    static let gatherSeconds = 0.5

    /// Moves every queued job into `batch` (empty), sleeping until there is one; false once closed and empty.
    private func takeAll(into batch: inout [Job]) -> Bool {
        lock.lock()
        while inbox.isEmpty {
            if closed {
                lock.unlock()
                return false
            }
            idle = true
            lock.unlock()
            _ = wake.wait(timeout: .now() + 1)
            lock.lock()
            idle = false
        }
        swap(&inbox, &batch)
        for _ in 0..<waitingForRoom { room.signal() }
        waitingForRoom = 0
        lock.unlock()
        return true
    }

    // MARK: Writer thread

    private func handle(_ job: Job) {
        if current?.recording !== job.recording {
            finishLeftOver(current)
            current = (job.recording, nil, 0, false)
        }
        guard var state = current, !state.over else { return }
        defer { current = state }
        if job.sequence != state.next {
            state.over = true
            if let recorder = state.recorder {
                finish(recorder, state.recording, dropped: job.sequence - state.next)
            } else {
                outcome(state.recording, .failed("\(job.sequence - state.next) packets dropped before the clip opened (the disk did not keep up)"))
            }
            return
        }
        state.next += 1
        do {
            switch job.work {
            case .open(let packets):
                let recorder = try ClipRecorder(base: job.recording.base, streams: job.recording.streams)
                state.recorder = recorder
                for packet in packets { try recorder.write(packet) }
            case .packet(let packet):
                try state.recorder?.write(packet)
            case .finish:
                state.over = true
                if let recorder = state.recorder { finish(recorder, state.recording) }
            }
        } catch {
            state.over = true
            state.recorder?.abandon()
            outcome(state.recording, .failed(Camera.describe(error)))
        }
    }

    /// A recording left without its `finish` job: `CameraClips` always sends one before the next recording's
    /// `open` and before closing, so it was dropped (with how many packets before it is unknown). Finished as it is.
    private func finishLeftOver(_ state: (recording: Recording, recorder: ClipRecorder?, next: Int, over: Bool)?) {
        guard let state, !state.over, let recorder = state.recorder else { return }
        finish(recorder, state.recording, dropped: .some(nil))
    }

    /// Finishes `recorder` and tells the outcome; `dropped`: jobs were dropped before the end (how many, if known).
    private func finish(_ recorder: ClipRecorder, _ recording: Recording, dropped: Int?? = nil) {
        do {
            guard let path = try recorder.finish() else { return outcome(recording, .empty) }
            folder.enforceLimit(keeping: path)
            if let dropped {
                let seconds = recorder.startPTS.map { recorder.endPTS - $0 } ?? 0
                outcome(recording, .cut(dropped: dropped, seconds: seconds))
            } else {
                outcome(recording, .written)
            }
        } catch {
            outcome(recording, .failed(Camera.describe(error)))
        }
    }
}
