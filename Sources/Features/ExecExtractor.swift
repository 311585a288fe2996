// The exec plug-in host: an extractor that is another program, spoken to over stdin/stdout (docs/extractors.md).
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A feature extractor run as a child process that speaks Vigil's extractor protocol (docs/extractors.md):
/// a 32-byte hello from Vigil (magic `VGLX`, version, kind, width, height, format, dimension), a 12-byte answer
/// (magic, version, dimension), then per item a 16-byte header (byte count, reserved, pts) and the bytes, answered
/// by a count and that many float32 values. All integers and floats are little-endian. `PluginReply` judges the
/// answers; this class does the process and socket work around it.
///
/// A child that exits, stays silent longer than `timeout` seconds, or answers with the wrong size is a
/// `FeaturesError.pluginFailure`, never a hang; the child is then killed.
public final class ExecExtractor: FrameFeatureExtractor, AudioFeatureExtractor {
    /// What the child receives.
    public enum Kind: UInt32, Sendable {
        /// RGB24 frames of width × height.
        case frames = 1
        /// 16 kHz mono float32 windows of at most `width` samples.
        case audio = 2
    }

    public let command: String
    public let kind: Kind
    public let width: Int
    public let height: Int
    public let dimension: Int
    private let timeout: Double
    private let child: ChildProcess
    private var itemsSent = 0

    /// Starts `command` (run by /bin/sh) and exchanges hellos. `dimension` 0 lets the child choose; otherwise the
    /// child must agree. `startupTimeout` bounds the hello (a child may load a model first).
    public init(
        command: String, kind: Kind, width: Int, height: Int, dimension: Int = 0, timeout: Double = 30,
        startupTimeout: Double = 120
    ) throws {
        guard width > 0, height > 0, dimension >= 0 else {
            throw FeaturesError.pluginLaunch(command: command, reason: "bad frame size \(width)×\(height) or dimension \(dimension)")
        }
        self.command = command
        self.kind = kind
        self.width = width
        self.height = height
        self.timeout = timeout
        let child = try ChildProcess(command: command)
        self.child = child
        var hello = PluginReply.magic
        for value in [PluginReply.version, kind.rawValue, UInt32(width), UInt32(height), kind.rawValue, UInt32(dimension), 0] {
            hello += withUnsafeBytes(of: value.littleEndian, Array.init)
        }
        let io = SocketIO(socket: child.socket)
        let failure = { (reason: String) in Self.failure(child: child, command: command, reason) }
        do {
            try io.write(hello, deadline: Date().addingTimeInterval(startupTimeout))
            let answer = try io.read(count: PluginReply.helloAnswerSize, deadline: Date().addingTimeInterval(startupTimeout))
            self.dimension = try PluginReply.dimension(helloAnswer: answer, requested: dimension)
        } catch let error as SocketIO.Failure {
            throw failure(error.describe(during: "the hello", timeout: startupTimeout, child: child))
        } catch let refusal as PluginReply.Refusal {
            throw failure(refusal.reason)
        }
    }

    deinit {
        child.finish(grace: 2)
    }

    public func reset() {}

    public func extract(rgb: [UInt8], width: Int, height: Int, pts: Double) throws -> [Float] {
        guard kind == .frames, width == self.width, height == self.height, rgb.count == width * height * 3 else {
            throw FeaturesError.badInput(
                extractor: command, reason: "plug-in started for \(self.width)×\(self.height) frames got a \(width)×\(height) frame of \(rgb.count) bytes")
        }
        return try exchange(rgb.withUnsafeBytes(Array.init), pts: pts)
    }

    public func extract(window: ArraySlice<Float>) throws -> [Float] {
        guard kind == .audio, window.count <= width else {
            throw FeaturesError.badInput(extractor: command, reason: "plug-in started for windows of \(width) samples got \(window.count)")
        }
        let bytes = window.withUnsafeBytes(Array.init)
        return try exchange(bytes, pts: 0)
    }

    private func exchange(_ payload: [UInt8], pts: Double) throws -> [Float] {
        let io = SocketIO(socket: child.socket)
        let item = itemsSent + 1
        var header = withUnsafeBytes(of: UInt32(payload.count).littleEndian, Array.init)
        header += [0, 0, 0, 0] + withUnsafeBytes(of: pts.bitPattern.littleEndian, Array.init)
        do {
            let deadline = Date().addingTimeInterval(timeout)
            try io.write(header + payload, deadline: deadline)
            itemsSent = item
            let count = try io.read(count: PluginReply.countSize, deadline: deadline)
            let values = try PluginReply.valueCount(count, dimension: dimension, item: item)
            return try PluginReply.vector(try io.read(count: 4 * values, deadline: deadline), item: item)
        } catch let error as SocketIO.Failure {
            throw Self.failure(child: child, command: command, error.describe(during: "item \(item)", timeout: timeout, child: child))
        } catch let refusal as PluginReply.Refusal {
            throw Self.failure(child: child, command: command, refusal.reason)
        }
    }

    /// Kills the child and makes the error.
    static func failure(child: ChildProcess, command: String, _ reason: String) -> FeaturesError {
        child.kill()
        return .pluginFailure(command: command, reason: reason)
    }
}

/// Blocking-with-deadline reads and writes on a socket, through poll(2); never raises SIGPIPE.
struct SocketIO {
    let socket: Int32

    enum Failure: Error {
        case closed, timedOut, system(Int32)

        func describe(during step: String, timeout: Double, child: ChildProcess) -> String {
            switch self {
            case .timedOut: return "no answer to \(step) within \(timeout) s (killed)"
            case .closed: return "\(child.exitDescription(wait: 1)) during \(step)"
            case .system(let code): return "\(String(cString: strerror(code))) during \(step) (\(child.exitDescription(wait: 1)))"
            }
        }
    }

    func write(_ bytes: [UInt8], deadline: Date) throws {
        var offset = 0
        while offset < bytes.count {
            try wait(for: Int16(POLLOUT), deadline: deadline)
            let n = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw errno == EPIPE || errno == ECONNRESET ? Failure.closed : Failure.system(errno)
            }
            offset += n
        }
    }

    func read(count: Int, deadline: Date) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            try wait(for: Int16(POLLIN), deadline: deadline)
            let n = bytes.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + offset, count - offset, Int32(MSG_DONTWAIT)) }
            if n == 0 { throw Failure.closed }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw errno == ECONNRESET ? Failure.closed : Failure.system(errno)
            }
            offset += n
        }
        return bytes
    }

    private func wait(for events: Int16, deadline: Date) throws {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw Failure.timedOut }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw Failure.system(errno) }
        }
    }
}
