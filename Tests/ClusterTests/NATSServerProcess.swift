// A real nats-server with JetStream on a free 127.0.0.1 port and a temporary store folder, for the Cluster tests.
import Foundation

/// `nats-server -js` started by a test; killed when the test lets go of it. The server picks a free port (`-p -1`)
/// and names it in its log; `start()` after `stop()` brings it back on that port with the same store (what a NATS
/// outage looks like to a client).
final class NATSServerProcess: @unchecked Sendable {
    private(set) var port = -1
    let storeFolder: URL
    private var process: Process?

    init() throws {
        storeFolder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-nats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: storeFolder, withIntermediateDirectories: true)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: storeFolder)
    }

    var url: String { "nats://127.0.0.1:\(port)" }

    /// Starts the server and waits until its log says it is ready.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nats-server")
        process.arguments = ["-js", "-sd", storeFolder.path, "-a", "127.0.0.1", "-p", "\(port)"]
        let log = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        try process.run()
        self.process = process
        var text = ""
        let deadline = Date(timeIntervalSinceNow: 10)
        while Date() < deadline, !text.contains("Server is ready") {
            let chunk = log.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard text.contains("Server is ready"),
            let line = text.split(separator: "\n").first(where: { $0.contains("Listening for client connections on") }),
            let listened = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        else { throw TestFailure("nats-server did not start: \(text)") }
        port = listened
        Thread.detachNewThread { while !log.fileHandleForReading.availableData.isEmpty {} }  // keep the pipe drained
    }

    /// Kills the server (SIGKILL) and waits for it to end.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
