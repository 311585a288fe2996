// Serialises events from every camera onto one output, a whole line per write, flushed at once.
import Foundation

/// Writes events as JSON Lines to a file descriptor (stdout by default) through a `JSONLineWriter`: one lock orders
/// the lines of all cameras; each line goes out in a single unbuffered write. The first sink.
public final class EventWriter: EventSink, @unchecked Sendable {
    private let lines: JSONLineWriter
    private let lock = NSLock()
    /// When false, `window` events are not written (lifecycle and status events always are).
    public let writesWindows: Bool

    /// A writer to `descriptor` (1 = stdout, shared with every other stdout line of the process).
    public init(descriptor: Int32 = 1, writesWindows: Bool = true) {
        lines = descriptor == 1 ? .standardOutput : JSONLineWriter(descriptor: descriptor)
        self.writesWindows = writesWindows
    }

    public var name: String { "stdout" }

    public var counters: SinkCounters { lock.withLock { SinkCounters(delivered: delivered) } }
    private var delivered = 0

    public func send(_ event: Event) throws(StreamError) { try write(event) }

    /// Nothing is queued: every line was written when it was sent.
    public func close(within seconds: Double) {}

    /// Writes `events` in order, one line each.
    public func write(_ events: [Event]) throws(StreamError) {
        for event in events { try write(event) }
    }

    /// Writes `event` as one line.
    public func write(_ event: Event) throws(StreamError) {
        if case .window = event, !writesWindows { return }
        try lines.write(event)
        lock.withLock { delivered += 1 }
    }
}
