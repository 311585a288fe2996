// Where events go: the seam between the event tracker and the systems that act on events (docs/events.md).
import Foundation

/// A destination for the lines `vigil watch` produces: stdout, an MQTT broker, a webhook, a NATS stream.
///
/// Every camera's thread calls `send` concurrently, so a sink serialises internally. A sink must never stall the
/// caller for long: a network sink puts the event in a bounded queue and delivers it from its own thread, counting
/// what the queue had to drop. Only a failure that must end the watch (stdout closed) is thrown.
public protocol EventSink: AnyObject, Sendable {
    /// A short name for logs and metrics: "stdout", "mqtt", "webhook", "nats".
    var name: String { get }
    /// Takes one event, in the order the camera produced it.
    func send(_ event: Event) throws(StreamError)
    /// Delivers what is still queued, waiting at most `seconds`, then releases the sink's resources. Called once.
    func close(within seconds: Double)
    /// What the sink has done so far.
    var counters: SinkCounters { get }
}

extension EventSink {
    /// Takes `events` in order.
    public func send(_ events: [Event]) throws(StreamError) {
        for event in events { try send(event) }
    }
}

/// A sink's running totals, reported in status lines and metrics.
public struct SinkCounters: Sendable, Equatable {
    /// Events handed to the remote end (acknowledged where the protocol acknowledges).
    public var delivered: Int
    /// Events waiting in the sink's queue.
    public var queued: Int
    /// Events the bounded queue had to drop.
    public var dropped: Int

    /// Counters.
    public init(delivered: Int = 0, queued: Int = 0, dropped: Int = 0) {
        self.delivered = delivered
        self.queued = queued
        self.dropped = dropped
    }
}

/// Sends every event to several sinks in order. The first sink's failure is thrown after the others were served,
/// so a closed stdout does not keep an event from the broker.
public final class EventFanOut: EventSink {
    /// The sinks, in the order they are served.
    public let sinks: [any EventSink]

    /// A fan-out over `sinks`.
    public init(_ sinks: [any EventSink]) { self.sinks = sinks }

    public var name: String { sinks.map(\.name).joined(separator: ",") }

    public func send(_ event: Event) throws(StreamError) {
        var failure: StreamError?
        for sink in sinks {
            do { try sink.send(event) } catch { if failure == nil { failure = error } }
        }
        if let failure { throw failure }
    }

    public func close(within seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        for sink in sinks { sink.close(within: max(0, deadline.timeIntervalSinceNow)) }
    }

    public var counters: SinkCounters {
        sinks.reduce(into: SinkCounters()) { total, sink in
            let counters = sink.counters
            total.delivered += counters.delivered
            total.queued += counters.queued
            total.dropped += counters.dropped
        }
    }
}
