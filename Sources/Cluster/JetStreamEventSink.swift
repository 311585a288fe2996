// Publishes every event line to the cluster's JetStream stream, in order, through a bounded queue that rides out
// NATS being away (docs/cluster.md).
import Foundation
import Stream

/// An EventSink that publishes each line to `vigil.<cluster>.events.<camera>.<type>` and waits for JetStream's
/// ack. `send` only encodes and queues; one thread publishes the oldest queued line until the stream acks it, so
/// lines reach the stream in the order they were sent. While NATS is unreachable the queue fills (at most
/// `capacity` lines; a full queue drops its oldest line and counts it) and the thread retries every half second;
/// when NATS is back the queue drains in order. Each line carries `Nats-Msg-Id` = `<camera>.<type>.<sink>.<n>`
/// (`<sink>`: random per sink, `<n>`: the line's number in it): a publish retried after a lost ack is stored once
/// (within the stream's 2-minute duplicate window), while two identical lines sent twice (a camera coming online
/// again) are two messages.
public final class JetStreamEventSink: EventSink, @unchecked Sendable {
    private let connection: NATSConnection
    private let names: ClusterNames
    private let encoder = JSONEncoder()
    private let condition = NSCondition()
    private var queue: BoundedQueue<Pending>
    private var delivered = 0
    private var refused = 0
    private var closing = false
    /// This sink's part of every message id, and the number of the next line.
    private let instance = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    private var sequence = 0
    private var finished = false
    /// Called on the publishing thread after each event is stored (the worker's status board listens).
    private let onDelivered: (@Sendable (Event) -> Void)?

    struct Pending {
        let event: Event
        let line: Data
        let subject: String
        let messageID: String
    }

    /// A sink publishing through `connection`, holding at most `capacity` unsent lines.
    public init(
        connection: NATSConnection, names: ClusterNames, capacity: Int = 10_000,
        onDelivered: (@Sendable (Event) -> Void)? = nil
    ) {
        self.connection = connection
        self.names = names
        self.onDelivered = onDelivered
        queue = BoundedQueue(capacity: capacity)
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // the same bytes as EventWriter's lines
        let thread = Thread { [self] in publishLoop() }
        thread.name = "vigil-nats-sink"
        thread.start()
    }

    public var name: String { "nats" }

    public var counters: SinkCounters {
        condition.withLock { SinkCounters(delivered: delivered, queued: queue.count, dropped: queue.droppedCount + refused) }
    }

    public func send(_ event: Event) throws(StreamError) {
        let line: Data
        do { line = try condition.withLock { try encoder.encode(event) } } catch {
            throw .write("cannot encode event: \(error)")
        }
        let (camera, type) = Self.cameraAndType(event)
        condition.withLock {
            sequence += 1
            let pending = Pending(
                event: event, line: line, subject: names.eventSubject(camera: camera, type: type),
                messageID: "\(ClusterNames.subjectToken(camera)).\(type).\(instance).\(sequence)")
            queue.push(pending)
            condition.broadcast()
        }
    }

    /// Waits up to `seconds` for the queue to drain, then stops the publishing thread (what is left is counted as
    /// dropped).
    public func close(within seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !queue.isEmpty && condition.wait(until: deadline) {}
        closing = true
        condition.broadcast()
        while !finished && condition.wait(until: Date(timeIntervalSinceNow: 2)) {}
        refused += queue.count
        queue.removeAll()
        condition.unlock()
    }

    private func publishLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            guard !closing, let head = queue.first else {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.unlock()
            var outcome: NATSConnection.PublishOutcome?
            do { outcome = try connection.publish(head.line, to: head.subject, messageID: head.messageID, timeoutSeconds: 2) } catch {
                outcome = nil  // NATS away: keep the line at the head and retry
            }
            if outcome == .stored { onDelivered?(head.event) }  // before the pop: an empty queue means all is told
            condition.lock()
            if let outcome {
                // The head may have been pushed out by a full queue meanwhile; pop only if it is still ours.
                if queue.first?.messageID == head.messageID { _ = queue.popFirst() }
                if outcome == .stored { delivered += 1 } else { refused += 1 }
                condition.broadcast()
                condition.unlock()
            } else {
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.5))
                condition.unlock()
            }
        }
    }

    /// The camera an event belongs to and its `type` field.
    static func cameraAndType(_ event: Event) -> (String, String) {
        switch event {
        case .window(let window): (window.camera, "window")
        case .lifecycle(let lifecycle): (lifecycle.camera, lifecycle.phase.rawValue)
        case .status(let status): (status.camera, "status")
        }
    }
}

extension JetStreamEventSink {
    /// Waits until every queued line was published, at most `seconds`; true if the queue is empty.
    public func waitUntilDelivered(within seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while counters.queued > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return counters.queued == 0
    }
}
