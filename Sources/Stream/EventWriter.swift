// Serialises events from every camera onto one output, a whole line per write, flushed at once.
import Foundation

/// Writes events as JSON Lines to a file descriptor (stdout by default). One lock orders the lines of all cameras;
/// each line goes out in a single unbuffered write, so a reader sees it as soon as it is printed. The first sink.
public final class EventWriter: EventSink, @unchecked Sendable {
    private let descriptor: Int32
    private let encoder = JSONEncoder.eventLines()
    private let lock = NSLock()
    /// When false, `window` events are not written (lifecycle and status events always are).
    public let writesWindows: Bool

    /// A writer to `descriptor` (1 = stdout).
    public init(descriptor: Int32 = 1, writesWindows: Bool = true) {
        self.descriptor = descriptor
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
        lock.lock()  // the encoder is not thread-safe either
        defer { lock.unlock() }
        var line: Data
        do { line = try encoder.encode(event) } catch { throw .write("cannot encode event: \(error)") }
        line.append(0x0A)
        let failure = line.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int32 in
            guard let base = bytes.baseAddress else { return 0 }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if failure != 0 { throw .write(String(cString: strerror(failure))) }
        delivered += 1
    }
}

extension JSONEncoder {
    /// The encoder of event lines: sorted keys, slashes unescaped, so an event gives the same line in every sink.
    public static func eventLines() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
