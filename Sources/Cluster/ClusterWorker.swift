// `vigil watch --cluster`: a worker that leases cameras from the cluster, runs each as `vigil watch` does, and
// publishes their events to the cluster's stream (docs/cluster.md).
import Foundation
import Pipeline
import Stream

/// Leases cameras through the work-queue stream (one token per camera), runs them, keeps each lease with
/// `InProgress` every leaseSeconds/3 only while the camera's no-frames watchdog is satisfied, and hands leases back
/// (`Nak`) on stop. A camera whose previous owner died with events open gets their `end` (reason `failover`) here
/// before it starts.
public final class ClusterWorker: @unchecked Sendable {
    private let site: ClusterSite
    private let request: WatchRequest
    private let settings: WorkerSettings
    private let board: CameraStatusBoard
    private let workers: KeyValueBucket
    private let stdout: EventWriter
    private var natsSink: JetStreamEventSink!
    private var sink: EventFanOut!
    private let lock = NSLock()
    private var stopping = false
    private var leases: [String: Lease] = [:]
    private var fairShare = Int.max
    private var underShare = false
    private var lastRebalance = Date()
    private var signalSources: [any DispatchSourceSignal] = []

    /// A camera this worker owns.
    final class Lease {
        let camera: WatchedCamera
        var token: JetStreamMessage
        let entry: CameraEntry
        let taken = Date()
        /// The claim's time in the status bucket (a later claim by another worker means the lease went there).
        let claimed: Double
        init(camera: WatchedCamera, token: JetStreamMessage, entry: CameraEntry, claimed: Double) {
            (self.camera, self.token, self.entry, self.claimed) = (camera, token, entry, claimed)
        }
    }

    /// A worker on `site` running cameras with `request`'s model and settings; `writesWindows` as watch's flag.
    public init(site: ClusterSite, request: WatchRequest, settings: WorkerSettings, writesWindows: Bool = true)
        throws(ClusterError)
    {
        self.site = site
        self.request = request
        var settings = settings
        settings.workerID = ClusterNames.subjectToken(settings.workerID)
        self.settings = settings
        board = CameraStatusBoard(bucket: site.status, owner: settings.workerID)
        workers = try KeyValueBucket.open(site.names.workersBucket, on: site.connection, create: true).bucket
        stdout = EventWriter(writesWindows: writesWindows)
    }

    /// Runs until SIGINT/SIGTERM (or `stop()`): leases, runs and hands back cameras. Throws when the model cannot
    /// be loaded or stdout is closed.
    public func run() throws {
        let stages = try request.sharedStages()
        let board = self.board
        natsSink = JetStreamEventSink(connection: site.connection, names: site.names, onDelivered: { board.record($0) })
        sink = EventFanOut([stdout, natsSink])
        handleSignals()
        guard let consumer = leaseConsumer() else { return shutDown() }
        for entry in (try? site.cameras()) ?? [] { try? site.ensureLeaseToken(entry.name) }
        log("worker \(settings.workerID) joined cluster \(site.names.cluster) (capacity \(settings.capacity))")
        let keeper = Thread { [self] in keepLeases() }
        keeper.name = "vigil-lease-keeper"
        keeper.start()
        var lastPoll = Date.distantPast
        var fetchFailure: ClusterError?
        while !isStopping {
            let owned = lock.withLock { Array(leases.values) }
            for lease in owned { lease.camera.abortIfStarved() }
            dropEndedAndStarved(owned)
            if Date().timeIntervalSince(lastPoll) >= settings.pollSeconds {
                poll()
                lastPoll = Date()
            }
            let count = lock.withLock { leases.count }
            if count < min(settings.capacity, lock.withLock({ fairShare })) {
                do {
                    if let token = try consumer.fetch(batch: 1, timeoutSeconds: 0.25).first { take(token, stages: stages) }
                    fetchFailure = nil
                } catch {
                    if fetchFailure != error { log("cannot fetch a lease: \(error.localizedDescription)") }
                    fetchFailure = error
                    Thread.sleep(forTimeInterval: 0.25)
                }
            } else {
                Thread.sleep(forTimeInterval: 0.25)
            }
            if let stdoutFailure = failure { throw stdoutFailure }
        }
        shutDown()
    }

    /// The shared lease consumer; retried every second while JetStream is unavailable (a NATS cluster that just
    /// restarted has no consumer leader for a while). Nil when the worker was stopped meanwhile.
    private func leaseConsumer() -> PullSubscription? {
        var reported: ClusterError?
        while !isStopping {
            do {
                return try PullSubscription(
                    .init(
                        stream: site.names.leaseStream, filter: site.names.leaseSubjects,
                        durable: site.names.leaseConsumer, ackWaitSeconds: settings.leaseSeconds),
                    on: site.connection)
            } catch {
                if error != reported { log("\(error.localizedDescription); retrying") }
                reported = error
                Thread.sleep(forTimeInterval: 1)
            }
        }
        return nil
    }

    /// Ends the worker (from any thread).
    public func stop() { lock.withLock { stopping = true } }

    private var isStopping: Bool { lock.withLock { stopping } }
    private var failure: StreamError?

    // MARK: Leases

    /// Starts the camera a token names, after ending what its previous owner left open.
    private func take(_ token: JetStreamMessage, stages: WatchStages) {
        guard let name = site.names.camera(ofLeaseSubject: token.subject) else {
            try? token.terminate()
            return
        }
        if let lease = lock.withLock({ leases[name] }) {  // our own lease lapsed and came back to us
            lock.withLock { lease.token = token }
            try? token.inProgress()
            return
        }
        guard let entry = try? site.registry.entry(name) else {
            try? token.terminate()  // removed from the registry: the token is stale
            return
        }
        if let previous = try? site.cameraStatus(name), !previous.open.isEmpty {
            let ends = previous.open.values.sorted { $0.startTime < $1.startTime }.map { open in
                Event.lifecycle(
                    LifecycleEvent(
                        phase: .end, id: open.id, camera: name, label: open.label, classIndex: open.classIndex,
                        score: open.score, topScore: open.topScore, startTime: open.startTime,
                        endTime: max(open.startTime, previous.seen), reason: .failover))
            }
            log("\(name): taking over from \(previous.owner); ending \(ends.count) open event(s) (failover)")
            deliver(ends)
        }
        let claimed = board.claim(name)
        var config = CameraConfig(name: name, url: entry.url)
        (config.fps, config.segNum, config.window, config.stride) = (entry.fps, entry.segNum, entry.window, entry.stride)
        if let transport = entry.transport { config.extra["transport"] = transport }
        do {
            let camera = try WatchedCamera(spec: try request.spec(for: config), stages: stages, sink: sink)
            try? token.inProgress()
            lock.withLock { leases[name] = Lease(camera: camera, token: token, entry: entry, claimed: claimed) }
            camera.start()
            log("\(name): leased")
        } catch {
            log("\(name): cannot start: \(error.localizedDescription)")
            board.forget(name)
            try? token.nak(delaySeconds: 10)
        }
    }

    /// Renews (`InProgress`) the lease of every healthy camera every leaseSeconds/3, on its own thread so that a
    /// slow stop or poll never lets a lease lapse.
    private func keepLeases() {
        while !isStopping {
            let tokens = lock.withLock { leases.values.filter { $0.camera.isHealthy }.map(\.token) }
            for token in tokens { try? token.inProgress() }
            Thread.sleep(forTimeInterval: settings.leaseSeconds / 3)
        }
    }

    /// Lets go of cameras that ended (a file at its end: the token is removed) or starved (handed back).
    private func dropEndedAndStarved(_ owned: [Lease]) {
        for lease in owned where !lease.camera.isHealthy {
            let name = lease.camera.name
            if lease.camera.hasEnded {
                release(name, handBack: false)
            } else {
                log("\(name): no frames for the no-frames timeout; handing the lease back")
                release(name, handBack: true, delaySeconds: 2)
            }
        }
    }

    /// Stops a camera, waits until its last events reached the stream, then acks (`handBack` false) or naks its token.
    private func release(_ name: String, handBack: Bool, delaySeconds: Double = 0) {
        guard let lease = lock.withLock({ leases.removeValue(forKey: name) }) else { return }
        lease.camera.stop()
        _ = lease.camera.waitUntilEnded(seconds: 3)
        _ = natsSink.waitUntilDelivered(within: 2)
        board.forget(name)
        if handBack { try? lease.token.nak(delaySeconds: delaySeconds) } else { try? lease.token.terminate() }
    }

    // MARK: Registry, heartbeats, balance

    private struct Heartbeat: Codable {
        var seen: Double
        var cameras: Int
    }

    private func poll() {
        let count = lock.withLock { leases.count }
        let beat = Heartbeat(seen: Date().timeIntervalSince1970, cameras: count)
        if let data = try? JSONEncoder().encode(beat) { try? workers.put(settings.workerID, data) }
        board.flush()
        guard let entries = try? site.cameras() else { return }
        let names = Set(entries.map(\.name))
        for name in lock.withLock({ Array(leases.keys) }) where !names.contains(name) {
            log("\(name): removed from the registry")
            release(name, handBack: false)
        }
        // Fencing: a lease that lapsed (this process stalled, NATS was away) went to another worker, which claimed
        // the camera after us; stop ours without touching the token (it is theirs now).
        for lease in lock.withLock({ Array(leases.values) }) {
            guard let record = try? site.cameraStatus(lease.camera.name), record.owner != settings.workerID,
                record.claimed > lease.claimed
            else { continue }
            log("\(lease.camera.name): lease lapsed; \(record.owner) runs it now")
            lock.withLock { leases[lease.camera.name] = nil }
            lease.camera.stop()
            _ = lease.camera.waitUntilEnded(seconds: 3)
            board.forget(lease.camera.name, write: false)
        }
        var live: [Heartbeat] = []
        for key in (try? workers.keys()) ?? [] {
            if let data = try? workers.get(key), let other = try? JSONDecoder().decode(Heartbeat.self, from: data),
                Date().timeIntervalSince1970 - other.seen < settings.heartbeatExpirySeconds
            {
                live.append(other)
            }
        }
        let share = max(1, (entries.count + max(1, live.count) - 1) / max(1, live.count))
        lock.withLock { fairShare = share }
        // Balance: two or more cameras above the least loaded live worker (a new one has none), hand one camera
        // back per period; the fetch limit (the fair share) keeps it from coming straight back.
        let fewest = live.map(\.cameras).min() ?? count
        let owned = lock.withLock { leases.values.sorted { $0.taken > $1.taken } }
        if owned.count - fewest >= 2, Date().timeIntervalSince(lastRebalance) >= settings.rebalanceSeconds,
            let newest = owned.first
        {
            lastRebalance = Date()
            log("\(newest.camera.name): handing back for balance (\(owned.count) cameras, fair share \(share))")
            release(newest.camera.name, handBack: true)
        }
    }

    // MARK: Stopping

    private func shutDown() {
        let owned = lock.withLock { Array(leases.values) }
        log("worker \(settings.workerID) stopping: handing back \(owned.count) camera(s)")
        try? workers.delete(settings.workerID)  // the others count one worker less at their next poll
        for lease in owned { lease.camera.stop() }
        for lease in owned { _ = lease.camera.waitUntilEnded(seconds: 2) }
        // As long as plain watch gives its network sinks: lines still queued from an outage get 5 s to go out.
        _ = natsSink.waitUntilDelivered(within: 5)
        board.flush()
        for lease in owned { try? lease.token.nak() }
        site.connection.flush(within: 1)  // the naks must leave before the process does
        lock.withLock { leases.removeAll() }
        sink.close(within: 1)
        let dropped = natsSink.counters.dropped
        if dropped > 0 { log("\(dropped) event line(s) never reached the stream (NATS away too long, or still away at stop)") }
    }

    private func deliver(_ events: [Event]) {
        do { try sink.send(events) } catch { lock.withLock { failure = error; stopping = true } }
    }

    private func handleSignals() {
        signalSources = StopSignals.handle { [weak self] in self?.stop() }
    }

    private func log(_ message: String) { FileHandle.standardError.write(Data("vigil: \(message)\n".utf8)) }
}
