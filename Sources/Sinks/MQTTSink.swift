// Publishes events to an MQTT broker from a bounded queue, so a slow or dead broker never stalls a camera.
import Foundation
import Stream

/// An `EventSink` that publishes to an MQTT broker through libmosquitto (docs/events.md, "MQTT"):
/// - `<prefix>/events`: every start/update/end line, exactly as on stdout, QoS 1;
/// - `<prefix>/<camera>/<label>`: retained `ON` / `OFF`; `<prefix>/<camera>/status`: retained camera state;
/// - `<prefix>/<camera>/<label>/snapshot`: with `--clips`, the retained JPEG of the label's latest start;
/// - `<prefix>/available`: retained `online`, the last will `offline`, and `offline` again on a clean close;
/// - with Home Assistant discovery, a retained config per camera × label.
///
/// Event lines wait in a bounded queue (the oldest is dropped and counted when full); retained state is kept as the
/// latest payload per topic (never dropped) and published again after every reconnect, in case the broker
/// restarted without its retained messages. At most `maxInFlight` messages await the broker's acknowledgement;
/// libmosquitto resends those after a reconnect, so a broker restart shorter than the queue loses nothing.
public final class MQTTSink: EventSink, @unchecked Sendable {
    /// What the sink needs besides the broker's address.
    public struct Options: Sendable {
        /// The camera names (for their initial retained state and discovery).
        public var cameras: [String]
        /// The model's labels (discovery and initial `OFF`).
        public var labels: [String]
        /// CA certificate file for mqtts:// (default: the system's certificates).
        public var caFile: String?
        /// Home Assistant discovery: nil (none), publish, or remove.
        public var discovery: HomeAssistantDiscovery.Mode?
        /// Event lines held while the broker is away.
        public var queueCapacity = 10_000
        /// Seconds to wait for the broker's first answer before going on (a refusal then exits 69).
        public var connectWaitSeconds = 3.0
        /// The version reported in discovery payloads.
        public var version = "dev"

        /// Options for `cameras` and `labels`.
        public init(cameras: [String], labels: [String]) {
            self.cameras = cameras
            self.labels = labels
        }
    }

    public let name = "mqtt"
    public let address: MQTTAddress
    public let topics: MQTTTopics
    private let maxInFlight = 64
    private let encoder = JSONEncoder.eventLines()
    private var client: MosquittoClient?

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var lines: BoundedQueue<Data>
    private var retained: [String: Data] = [:]
    private var dirty: [String] = []
    private var dirtySet: Set<String> = []
    /// Message id → true for an event line, false for retained state.
    private var inFlight: [Int32: Bool] = [:]
    private var connected = false
    /// After a reconnect, libmosquitto resends what was in flight; newer lines wait for those, to keep their order.
    private var resending = false
    private var firstAnswer: Int32?
    private var closing = false
    private var pumpDone = false
    private var delivered = 0
    private var reportedDrops = 0
    private var lastDropReport = Date.distantPast

    /// Connects to `address` in the background. Waits up to `options.connectWaitSeconds` for the broker's answer:
    /// a refusal (wrong password, not authorised) throws `.unavailable`; no answer yet (the broker is down) prints a
    /// line on stderr and keeps retrying while events queue.
    public init(address: MQTTAddress, options: Options) throws(SinkError) {
        self.address = address
        topics = MQTTTopics(prefix: address.prefix)
        lines = BoundedQueue(capacity: options.queueCapacity)
        setRetained(topics.available, "online")
        if let mode = options.discovery {
            for camera in options.cameras {
                for label in options.labels {
                    let payload = mode == .publish
                        ? HomeAssistantDiscovery.config(camera: camera, label: label, topics: topics, version: options.version)
                        : Data()
                    setRetained(HomeAssistantDiscovery.configTopic(camera: camera, label: label), payload)
                }
            }
        }
        for camera in options.cameras {
            setRetained(topics.status(camera: camera), "offline")
            for label in options.labels { setRetained(topics.label(camera: camera, label: label), "OFF") }
        }
        let host = ProcessInfo.processInfo.hostName.prefix(40)
        let client = try MosquittoClient(
            address: address, clientID: "vigil-\(host)-\(getpid())", will: (topics.available, "offline"),
            caFile: options.caFile, news: { [weak self] news in self?.hear(news) })
        self.client = client
        try client.start(host: address.host, port: address.port)
        Thread.detachNewThread { [self] in pump() }
        try awaitFirstAnswer(seconds: options.connectWaitSeconds)
    }

    deinit { client?.stop() }

    // MARK: EventSink

    public func send(_ event: Event) throws(StreamError) {
        switch event {
        case .window: return
        case .status(let status):
            condition.withLock { setRetained(topics.status(camera: status.camera), status.state.rawValue) }
        case .lifecycle(let lifecycle):
            guard let line = try? encoder.encode(event) else { return }
            let label = lifecycle.label ?? String(lifecycle.classIndex)
            // Read before taking the lock; a snapshot deleted meanwhile (the folder limit) is left out.
            let snapshot = lifecycle.phase == .start ? lifecycle.snapshot.flatMap { FileManager.default.contents(atPath: $0) } : nil
            condition.withLock {
                if let snapshot { setRetained(topics.snapshot(camera: lifecycle.camera, label: label), snapshot) }
                switch lifecycle.phase {
                case .start: setRetained(topics.label(camera: lifecycle.camera, label: lifecycle.label ?? String(lifecycle.classIndex)), "ON")
                case .end: setRetained(topics.label(camera: lifecycle.camera, label: lifecycle.label ?? String(lifecycle.classIndex)), "OFF")
                case .update: break
                }
                lines.push(line)
                reportDrops()
            }
        }
        condition.broadcast()
    }

    public var counters: SinkCounters {
        condition.withLock {
            SinkCounters(delivered: delivered, queued: lines.count + inFlight.values.filter { $0 }.count, dropped: lines.droppedCount)
        }
    }

    /// Publishes `offline` on `<prefix>/available`, waits (at most `seconds`) for everything queued to be
    /// acknowledged, then disconnects cleanly (the broker does not fire the last will).
    public func close(within seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        setRetained(topics.available, "offline")
        closing = true
        condition.broadcast()
        while !(lines.isEmpty && dirty.isEmpty && inFlight.isEmpty) && condition.wait(until: deadline) {}
        let wasConnected = connected
        let left = lines.count + inFlight.values.filter { $0 }.count
        pumpDone = true
        condition.broadcast()
        condition.unlock()
        if left > 0 { log("\(left) event(s) not delivered at shutdown") }
        guard let client else { return }
        if wasConnected {
            client.disconnect()
            condition.lock()
            while connected && condition.wait(until: Date(timeIntervalSinceNow: 1)) {}
            condition.unlock()
        }
        client.stop()
        self.client = nil
    }

    // MARK: Delivery

    /// Publishes retained state first, then event lines, while connected and below `maxInFlight`.
    private func pump() {
        condition.lock()
        defer { condition.unlock() }
        while !pumpDone {
            guard connected, inFlight.count < maxInFlight, !dirty.isEmpty || (!lines.isEmpty && !resending), let client else {
                condition.wait()
                continue
            }
            // Published under the lock, so an acknowledgement cannot arrive before its id is recorded.
            if !dirty.isEmpty {
                let topic = dirty.removeFirst()
                dirtySet.remove(topic)
                if let id = client.publish(topic: topic, payload: retained[topic] ?? Data(), retain: true) {
                    inFlight[id] = false
                }
            } else if !resending, let line = lines.popFirst() {
                if let id = client.publish(topic: topics.events, payload: line, retain: false) {
                    inFlight[id] = true
                } else {
                    log("an event line was refused by libmosquitto and dropped")
                }
            }
        }
    }

    private func hear(_ news: MosquittoNews) {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        switch news {
        case .connected(let code):
            if firstAnswer == nil { firstAnswer = code }
            guard code == 0 else {
                log("broker \(address) refused the connection: \(MosquittoClient.describeConnack(code))")
                return
            }
            connected = true
            resending = inFlight.values.contains(true)
            log("connected to \(address)")
            for topic in retained.keys.sorted(by: { $0 == topics.available || ($1 != topics.available && $0 < $1) }) {
                markDirty(topic)
            }
        case .disconnected(let code):
            guard connected else { return }
            connected = false
            if code != 0 { log("lost \(address) (\(MosquittoClient.describe(code))); reconnecting, events queue meanwhile") }
        case .acknowledged(let id):
            if inFlight.removeValue(forKey: id) == true { delivered += 1 }
            if resending && !inFlight.values.contains(true) { resending = false }
        }
    }

    private func awaitFirstAnswer(seconds: Double) throws(SinkError) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while firstAnswer == nil && condition.wait(until: deadline) {}
        let answer = firstAnswer
        condition.unlock()
        switch answer {
        case nil:
            log("cannot reach \(address) yet; retrying with backoff, events queue meanwhile (at most \(lines.capacity))")
        case 0?: break
        case let code?:
            close(within: 0)
            throw .unavailable("mqtt: broker \(address) refused vigil: \(MosquittoClient.describeConnack(code))")
        }
    }

    /// Sets `topic`'s retained payload and queues it for publishing (caller holds the lock, or is `init`).
    private func setRetained(_ topic: String, _ payload: String) { setRetained(topic, Data(payload.utf8)) }

    private func setRetained(_ topic: String, _ payload: Data) {
        retained[topic] = payload
        markDirty(topic)
    }

    private func markDirty(_ topic: String) {
        if dirtySet.insert(topic).inserted { dirty.append(topic) }
    }

    /// A stderr line when the queue dropped events, at most every 10 s.
    private func reportDrops() {
        let dropped = lines.droppedCount
        guard dropped > reportedDrops, Date().timeIntervalSince(lastDropReport) >= 10 else { return }
        reportedDrops = dropped
        lastDropReport = Date()
        log("queue full (\(lines.capacity) events): \(dropped) event(s) dropped so far")
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("vigil: mqtt: \(message)\n".utf8))
    }
}
