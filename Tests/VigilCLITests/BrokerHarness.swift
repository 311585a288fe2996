// Real MQTT brokers and subscribers for the sink tests: Debian's mosquitto and mosquitto_sub on 127.0.0.1.
import Foundation

/// A mosquitto broker on a free port of 127.0.0.1 with its own temporary folder (config, password file,
/// certificates, persistence), stopped and removed when the test lets go of it.
final class MosquittoBroker {
    let folder: URL
    let port: Int
    private let config: String
    private var process: ChildProcess?

    /// TLS material made by `openssl` for 127.0.0.1: the CA certificate clients trust.
    var caFile: URL { folder.appendingPathComponent("ca.crt") }

    /// A broker; with `user`/`password` it requires them (password file made by mosquitto_passwd); with `tls` it
    /// speaks only TLS, with a certificate for 127.0.0.1 signed by a fresh test CA; with `persistence` it keeps
    /// sessions and retained messages across a clean restart.
    init(port: Int? = nil, user: String? = nil, password: String? = nil, tls: Bool = false, persistence: Bool = false) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.port = port ?? freePort()
        config = folder.appendingPathComponent("mosquitto.conf").path
        // As root, mosquitto would switch to the `mosquitto` user, who cannot read this folder's files.
        var lines = ["user \(String(cString: getpwuid(getuid()).pointee.pw_name))", "listener \(self.port) 127.0.0.1", "log_dest stderr", "log_type error", "log_type warning"]
        if let user, let password {
            let file = folder.appendingPathComponent("passwords").path
            try runTool("/usr/bin/mosquitto_passwd", ["-b", "-c", file, user, password])
            lines += ["allow_anonymous false", "password_file \(file)"]
        } else {
            lines.append("allow_anonymous true")
        }
        if tls {
            try Self.makeCertificates(in: folder)
            lines += [
                "cafile \(folder.appendingPathComponent("ca.crt").path)", "certfile \(folder.appendingPathComponent("server.crt").path)",
                "keyfile \(folder.appendingPathComponent("server.key").path)",
            ]
        }
        if persistence {
            lines += ["persistence true", "persistence_location \(folder.path)/", "autosave_interval 1"]
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        process?.send(SIGKILL)
        _ = process?.waitForExit(timeoutSeconds: 5)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts the broker and waits until it accepts connections.
    func start() throws {
        process = try ChildProcess("/usr/sbin/mosquitto", ["-c", config], stderrFile: folder.appendingPathComponent("broker.log"))
        let deadline = Date(timeIntervalSinceNow: 10)
        while Date() < deadline {
            if canConnect(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError("mosquitto did not listen on 127.0.0.1:\(port)")
    }

    /// Stops the broker (SIGTERM: it saves persistence first) and waits for it to exit.
    func stop() {
        process?.send(SIGTERM)
        _ = process?.waitForExit(timeoutSeconds: 10)
        process = nil
    }

    /// `mosquitto_sub` on `topic` printing `retained-flag topic payload` per message (QoS 1). With `session`, a
    /// persistent session under that client id (messages published while it is away wait for it).
    func subscribe(_ topic: String, session: String? = nil, extra: [String] = []) throws -> ChildProcess {
        let subscriber = try ChildProcess(
            "/usr/bin/mosquitto_sub",
            ["-h", "127.0.0.1", "-p", "\(port)", "-t", topic, "-q", "1", "-F", "%r %t %p"]
                + (session.map { ["-c", "-i", $0] } ?? []) + extra)
        Thread.sleep(forTimeInterval: 0.3)  // subscribed before anything is published
        return subscriber
    }

    /// Retained messages under `topic` now: subscribes, collects for `seconds`, returns topic → payload.
    func retained(_ topic: String, extra: [String] = [], seconds: Double = 1) throws -> [String: String] {
        let subscriber = try ChildProcess(
            "/usr/bin/mosquitto_sub",
            ["-h", "127.0.0.1", "-p", "\(port)", "-t", topic, "--retained-only", "-W", "\(Int(seconds.rounded(.up)))",
             "-F", "%t %p"] + extra)
        _ = subscriber.waitForExit(timeoutSeconds: seconds + 5)
        var messages: [String: String] = [:]
        for line in subscriber.lines {
            guard let space = line.firstIndex(of: " ") else { messages[line] = ""; continue }
            messages[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return messages
    }

    private static func makeCertificates(in folder: URL) throws {
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try runTool("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=vigil test CA",
                                     "-keyout", path("ca.key"), "-out", path("ca.crt")])
        try runTool("/usr/bin/openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                                     "-keyout", path("server.key"), "-out", path("server.csr")])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: path("san.ext"), atomically: true, encoding: .utf8)
        try runTool("/usr/bin/openssl", ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                                     "-CAcreateserial", "-days", "2", "-extfile", path("san.ext"), "-out", path("server.crt")])
    }
}

/// Runs a tool to its end; throws if it fails.
func runTool(_ executable: String, _ arguments: [String]) throws {
    let tool = try ChildProcess(executable, arguments)
    guard tool.waitForExit(timeoutSeconds: 60) == 0 else { throw HarnessError("\(executable) \(arguments.first ?? "") failed") }
}

/// True when something accepts TCP connections on 127.0.0.1:`port`.
func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    return withLoopbackAddress(port: port) { connect(fd, $0, $1) == 0 }
}

/// A subscriber's `retained-flag topic payload` line.
struct ReceivedMessage: Equatable {
    let retained: Bool
    let topic: String
    let payload: String

    init?(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        retained = parts[0] == "1"
        topic = String(parts[1])
        payload = parts.count == 3 ? String(parts[2]) : ""
    }
}
