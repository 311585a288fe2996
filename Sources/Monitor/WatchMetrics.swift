// What `--http` reports: per-camera counters and state gathered from events and the decode threads, kept in
// swift-metrics objects backed by a Prometheus registry (docs/events.md, "Metrics and health").
import CoreMetrics
import Foundation
import Prometheus
import Stream

/// An `EventSink` and `CameraObserver` that keeps each camera's state for `/healthz` and `/cameras` and its
/// counters for `/metrics`. It never queues: each event updates a few numbers under a lock.
public final class WatchMetrics: EventSink, CameraObserver, @unchecked Sendable {
    /// A camera as the metrics know it up front.
    public struct CameraInfo: Sendable {
        public var name: String
        /// After this many seconds away (reconnecting, or never connected) a camera counts as unhealthy.
        public var graceSeconds: Double

        /// A camera and its grace period.
        public init(name: String, graceSeconds: Double) {
            self.name = name
            self.graceSeconds = graceSeconds
        }
    }

    /// One camera's state, as `/cameras` shows it.
    public struct CameraState: Sendable, Codable, Equatable {
        public var camera: String
        /// `starting` until the first status line, then `online`, `reconnecting` or `offline`.
        public var state: String
        /// Epoch seconds of the last sampled frame (nil before the first).
        public var lastFrameTime: Double?
        public var framesRead = 0
        public var framesKept = 0
        public var windows = 0
        public var droppedWindows = 0
        public var reconnects = 0
        public var openEvents = 0
        public var healthy = true

        enum CodingKeys: String, CodingKey {
            case camera, state, lastFrameTime = "last_frame_time", framesRead = "frames_read", framesKept = "frames_kept"
            case windows, droppedWindows = "dropped_windows", reconnects, openEvents = "open_events", healthy
        }
    }

    private struct Handles {
        let framesRead, framesKept, windows, windowsDropped, reconnects: CoreMetrics.Counter
        let decodeSeconds: CoreMetrics.FloatingPointCounter
        let latency: CoreMetrics.Timer
        let openEvents, online: CoreMetrics.Gauge
    }

    private struct Record {
        var state: CameraState
        var since: Double
        var grace: Double
        var open: Set<String> = []
    }

    public let name = "metrics"
    /// The registry `/metrics` prints.
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let lock = NSLock()
    private var records: [String: Record] = [:]
    private let order: [String]
    private var handles: [String: Handles] = [:]
    private let sinks: [(label: String, sink: any EventSink)]
    private var sinkSeen: [String: SinkCounters] = [:]
    /// Per camera with clips: its drop counters and the totals last told.
    private var clipDrops: [String: (ring: CoreMetrics.Counter, writer: CoreMetrics.Counter, seen: (ring: Int, writer: Int))] = [:]
    private let sinkDelivered, sinkDropped: [String: CoreMetrics.Counter]
    private let sinkDepth: [String: CoreMetrics.Gauge]

    /// Metrics for `cameras`, reporting the queue depth and drops of `sinks`, labelled with `version`.
    public init(cameras: [CameraInfo], sinks: [any EventSink], version: String) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["vigil_camera_classify_latency_seconds"] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
            .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        self.factory = factory
        order = cameras.map(\.name)
        let now = Date().timeIntervalSince1970
        for camera in cameras {
            records[camera.name] = Record(state: CameraState(camera: camera.name, state: "starting"), since: now, grace: camera.graceSeconds)
            let dimensions = [("camera", camera.name)]
            handles[camera.name] = Handles(
                framesRead: CoreMetrics.Counter(label: "vigil_camera_frames_read_total", dimensions: dimensions, factory: factory),
                framesKept: CoreMetrics.Counter(label: "vigil_camera_frames_kept_total", dimensions: dimensions, factory: factory),
                windows: CoreMetrics.Counter(label: "vigil_camera_windows_total", dimensions: dimensions, factory: factory),
                windowsDropped: CoreMetrics.Counter(label: "vigil_camera_windows_dropped_total", dimensions: dimensions, factory: factory),
                reconnects: CoreMetrics.Counter(label: "vigil_camera_reconnects_total", dimensions: dimensions, factory: factory),
                decodeSeconds: CoreMetrics.FloatingPointCounter(label: "vigil_camera_decode_seconds_total", dimensions: dimensions, factory: factory),
                latency: CoreMetrics.Timer(label: "vigil_camera_classify_latency_seconds", dimensions: dimensions, factory: factory),
                openEvents: CoreMetrics.Gauge(label: "vigil_camera_open_events", dimensions: dimensions, factory: factory),
                online: CoreMetrics.Gauge(label: "vigil_camera_online", dimensions: dimensions, factory: factory))
            handles[camera.name]?.online.record(0)
            handles[camera.name]?.openEvents.record(0)
        }
        var labelled: [(String, any EventSink)] = []
        for sink in sinks {
            var label = sink.name
            var suffix = 2
            while labelled.contains(where: { $0.0 == label }) {
                label = "\(sink.name)-\(suffix)"
                suffix += 1
            }
            labelled.append((label, sink))
        }
        self.sinks = labelled
        var delivered: [String: CoreMetrics.Counter] = [:]
        var dropped: [String: CoreMetrics.Counter] = [:]
        var depth: [String: CoreMetrics.Gauge] = [:]
        for (label, _) in labelled {
            delivered[label] = CoreMetrics.Counter(label: "vigil_sink_delivered_total", dimensions: [("sink", label)], factory: factory)
            dropped[label] = CoreMetrics.Counter(label: "vigil_sink_dropped_total", dimensions: [("sink", label)], factory: factory)
            depth[label] = CoreMetrics.Gauge(label: "vigil_sink_queue_depth", dimensions: [("sink", label)], factory: factory)
        }
        (sinkDelivered, sinkDropped, sinkDepth) = (delivered, dropped, depth)
        CoreMetrics.Gauge(label: "vigil_up", factory: factory).record(1)
        CoreMetrics.Gauge(label: "vigil_build_info", dimensions: [("version", version)], factory: factory).record(1)
    }

    // MARK: EventSink

    public func send(_ event: Event) throws(StreamError) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .window(let window):
            guard var record = records[window.camera], let handle = handles[window.camera] else { return }
            record.state.windows += 1
            handle.windows.increment()
            if window.droppedWindows > record.state.droppedWindows {
                handle.windowsDropped.increment(by: Int64(window.droppedWindows - record.state.droppedWindows))
                record.state.droppedWindows = window.droppedWindows
            }
            handle.latency.recordSeconds(window.latency)
            record.state.lastFrameTime = window.endTime
            records[window.camera] = record
        case .status(let status):
            guard var record = records[status.camera], let handle = handles[status.camera] else { return }
            if status.state == .reconnecting && record.state.state != "reconnecting" {
                record.state.reconnects += 1
                handle.reconnects.increment()
            }
            record.state.state = status.state.rawValue
            record.since = Date().timeIntervalSince1970
            handle.online.record(status.state == .online ? 1 : 0)
            records[status.camera] = record
        case .lifecycle(let lifecycle):
            guard var record = records[lifecycle.camera], let handle = handles[lifecycle.camera] else { return }
            if lifecycle.phase == .end { record.open.remove(lifecycle.id) } else { record.open.insert(lifecycle.id) }
            record.state.openEvents = record.open.count
            handle.openEvents.record(Double(record.open.count))
            records[lifecycle.camera] = record
        }
    }

    public func close(within seconds: Double) {}

    public var counters: SinkCounters { SinkCounters() }

    // MARK: CameraObserver

    public func decoded(camera: String, read: Int, kept: Int, decodeSeconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        guard let handle = handles[camera] else { return }
        records[camera]?.state.framesRead += read
        records[camera]?.state.framesKept += kept
        handle.framesRead.increment(by: Int64(read))
        handle.framesKept.increment(by: Int64(kept))
        handle.decodeSeconds.increment(by: max(0, decodeSeconds))
    }

    /// Counts `vigil_camera_clip_packets_dropped_total{camera, stage="ring"|"writer"}` from the totals told (the
    /// series appear with a camera's first report, so only cameras with clips have them).
    public func clipPacketsDropped(camera: String, ring: Int, writer: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard handles[camera] != nil else { return }
        var entry = clipDrops[camera] ?? (
            CoreMetrics.Counter(label: "vigil_camera_clip_packets_dropped_total", dimensions: [("camera", camera), ("stage", "ring")], factory: factory),
            CoreMetrics.Counter(label: "vigil_camera_clip_packets_dropped_total", dimensions: [("camera", camera), ("stage", "writer")], factory: factory),
            (0, 0))
        if ring > entry.seen.ring { entry.ring.increment(by: Int64(ring - entry.seen.ring)) }
        if writer > entry.seen.writer { entry.writer.increment(by: Int64(writer - entry.seen.writer)) }
        entry.seen = (max(ring, entry.seen.ring), max(writer, entry.seen.writer))
        clipDrops[camera] = entry
    }

    // MARK: Reports

    /// Every camera's state, in the order given; `healthy` is false for a camera offline, or away (starting or
    /// reconnecting) for longer than its grace period.
    public func cameras(now: Double = Date().timeIntervalSince1970) -> [CameraState] {
        lock.withLock {
            order.compactMap { name in
                guard let record = records[name] else { return nil }
                var state = record.state
                switch state.state {
                case "online": state.healthy = true
                case "offline": state.healthy = false
                default: state.healthy = now - record.since <= record.grace
                }
                return state
            }
        }
    }

    /// The Prometheus text exposition of every metric, sink counters refreshed first.
    public func exposition() -> [UInt8] {
        lock.withLock {
            for (label, sink) in sinks {
                let now = sink.counters
                let before = sinkSeen[label] ?? SinkCounters()
                if now.delivered > before.delivered { sinkDelivered[label]?.increment(by: Int64(now.delivered - before.delivered)) }
                if now.dropped > before.dropped { sinkDropped[label]?.increment(by: Int64(now.dropped - before.dropped)) }
                sinkDepth[label]?.record(Double(now.queued))
                sinkSeen[label] = now
            }
        }
        return registry.emitToBuffer()
    }
}
