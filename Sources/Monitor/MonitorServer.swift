// `--http ADDR:PORT`: GET /metrics (Prometheus text), /healthz (200 or 503 naming the cameras), /cameras (JSON),
// served by Hummingbird on its own event loop, beside the cameras' threads.
import Foundation
import Hummingbird
import Logging

/// An HTTP server reporting a watch's `WatchMetrics`. `start` returns once it listens (or throws why not);
/// it runs until `stop()` or the end of the process.
public final class MonitorServer: @unchecked Sendable {
    public let host: String
    public let port: Int
    private let metrics: WatchMetrics
    private var task: Task<Void, any Error>?

    /// Parses `ADDR:PORT` (e.g. `127.0.0.1:9464`); a malformed address is a usage error (exit 64).
    public init(address: String, metrics: WatchMetrics) throws(MonitorError) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port), colon != address.startIndex
        else { throw .usage("--http: \(address) is not ADDR:PORT (e.g. 127.0.0.1:9464)") }
        host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
        self.metrics = metrics
    }

    /// Starts serving; throws `.unavailable` (exit 69) when the address cannot be bound within 10 s.
    public func start() throws(MonitorError) {
        let router = Router()
        let metrics = metrics
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/healthz") { _, _ -> Response in
            let cameras = metrics.cameras()
            let unhealthy = cameras.filter { !$0.healthy }.map(\.camera)
            let body: [String: Any] = [
                "status": unhealthy.isEmpty ? "ok" : "unhealthy", "unhealthy": unhealthy,
                "cameras": Dictionary(uniqueKeysWithValues: cameras.map { ($0.camera, $0.state) }),
            ]
            return Self.json(body, status: unhealthy.isEmpty ? .ok : .serviceUnavailable)
        }
        router.get("/cameras") { _, _ -> Response in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(metrics.cameras())) ?? Data("[]".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        var logger = Logger(label: "vigil.http")
        logger.logLevel = .critical  // vigil's own lines are the log; Hummingbird's stay quiet
        let listening = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "vigil"),
            onServerRunning: { _ in listening.signal() }, logger: logger)
        task = Task {
            do { try await app.run() } catch {
                failure.set("\(error)")
                listening.signal()
                throw error
            }
        }
        guard listening.wait(timeout: .now() + 10) == .success, failure.value == nil else {
            task?.cancel()
            throw .unavailable("--http: cannot serve on \(host):\(port): \(failure.value ?? "no answer in 10 s")")
        }
        FileHandle.standardError.write(Data("vigil: serving /metrics, /healthz and /cameras on http://\(host):\(port)\n".utf8))
    }

    /// Stops serving.
    public func stop() { task?.cancel() }

    private static func json(_ object: [String: Any], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The error a failed start-up left, shared between the server task and the starting thread.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func set(_ text: String) { lock.withLock { message = text } }
    var value: String? { lock.withLock { message } }
}

/// The Monitor module's one error type: a line for the user and an exit status.
public enum MonitorError: Error, Equatable, LocalizedError, CustomNSError {
    /// `--http` is malformed.
    case usage(String)
    /// The address cannot be served (in use, not ours).
    case unavailable(String)

    public var errorDescription: String? {
        switch self {
        case .usage(let message), .unavailable(let message): message
        }
    }

    public var errorCode: Int {
        switch self {
        case .usage: 64
        case .unavailable: 69
        }
    }

    public static var errorDomain: String { "Vigil.Monitor" }
}
