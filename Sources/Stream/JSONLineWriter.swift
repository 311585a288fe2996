// The one way Vigil prints JSON: every command's stdout lines and watch's events go through a JSONLineWriter.
import Foundation

/// Writes values as JSON Lines (keys sorted, slashes unescaped, one object per line) to a file descriptor. Each line
/// goes out in a single unbuffered `write(2)` loop under a lock, so lines from several threads never interleave and
/// a reader sees each as soon as it is printed. A failed write (EPIPE when the reader is gone, ENOSPC, a closed
/// descriptor) is a `StreamError.write`, exit status 74; the process ignores SIGPIPE so that EPIPE arrives as an
/// error instead of killing it (`ignoreBrokenPipes()`, called at start-up).
public final class JSONLineWriter: @unchecked Sendable {
    /// stdout.
    public static let standardOutput = JSONLineWriter(descriptor: 1)

    private let descriptor: Int32
    private let encoder = JSONEncoder.eventLines()
    private let lock = NSLock()

    /// A writer to `descriptor` (1 = stdout).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Writes `value` as one line.
    public func write(_ value: some Encodable) throws(StreamError) {
        lock.lock()  // the encoder is not thread-safe either
        defer { lock.unlock() }
        var line: Data
        do { line = try encoder.encode(value) } catch { throw .write("cannot encode \(type(of: value)): \(error)") }
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
    }

    /// Makes a write to a pipe nobody reads fail with EPIPE instead of killing the process (SIGPIPE ignored).
    public static func ignoreBrokenPipes() { signal(SIGPIPE, SIG_IGN) }
}

extension JSONEncoder {
    /// The encoder of JSON lines: sorted keys, slashes unescaped, so the same value gives the same line in every
    /// sink (stdout, MQTT, webhooks).
    public static func eventLines() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
