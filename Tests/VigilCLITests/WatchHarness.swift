// Real processes for the watch tests: the built vigil binary, ffmpeg senders, GStreamer's RTSP server.
import Foundation

/// The `vigil` binary `swift build` made next to this test bundle.
let vigilBinary = repositoryRoot.appendingPathComponent(".build/debug/vigil")

/// A child process a test started; it is killed (SIGKILL) if still running when the test lets go of it.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let output = LineCollector()

    /// Starts `executable` with `arguments`; its stdout lines are collected, its stderr goes to `stderrFile`.
    init(_ executable: String, _ arguments: [String], stderrFile: URL? = nil, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = FileHandle.nullDevice
        if let stderrFile {
            FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: stderrFile)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        output.follow(stdout.fileHandleForReading)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var pid: Int32 { process.processIdentifier }
    /// Complete stdout lines so far.
    var lines: [String] { output.lines }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits until `predicate` holds for the stdout lines so far; false after `timeoutSeconds`.
    @discardableResult
    func waitForLines(timeoutSeconds: Double, _ predicate: ([String]) -> Bool) -> Bool {
        poll(timeoutSeconds: timeoutSeconds) { predicate(lines) }
    }

    /// The exit status (or 128 + signal) once the process ends; nil if it is still running after `timeoutSeconds`.
    func waitForExit(timeoutSeconds: Double) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else { return nil }
        output.drain()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}

/// Collects a pipe's output as lines, from a background reader.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var complete: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    func follow(_ handle: FileHandle) {
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.lock.withLock {
                    self.buffer.append(chunk)
                    while let newline = self.buffer.firstIndex(of: 0x0A) {
                        self.complete.append(String(decoding: self.buffer[..<newline], as: UTF8.self))
                        self.buffer.removeSubrange(...newline)
                    }
                }
            }
            self.finished.signal()
        }
    }

    /// Waits (briefly) for the reader to reach end of file.
    func drain() { _ = finished.wait(timeout: .now() + 2) }

    var lines: [String] { lock.withLock { complete } }
}

/// A TCP or UDP port on 127.0.0.1 that nothing listens on right now.
func freePort(udp: Bool = false) -> Int {
    let fd = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            _ = bind(fd, pointer, length)
            return getsockname(fd, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Live test-pattern video encoded the way cameras send it (H.264, 1 s GOP), for ffmpeg senders.
/// With `audio`, a 1 kHz tone goes along as AAC.
private func liveSenderArguments(corrupt: Bool, audio: Bool = false) -> [String] {
    ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10"]
        + (audio ? ["-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=16000", "-c:a", "aac"] : [])
        + ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "10", "-pix_fmt", "yuv420p"]
        + (corrupt ? ["-bsf:v", "noise=amount=20000"] : [])
}

/// `ffmpeg -re` sending MPEG-TS to udp://127.0.0.1:PORT (packets may be corrupted on purpose; sound optional).
func udpSender(port: Int, corrupt: Bool = false, audio: Bool = false) throws -> ChildProcess {
    try ChildProcess(
        "/usr/bin/ffmpeg",
        liveSenderArguments(corrupt: corrupt, audio: audio) + ["-f", "mpegts", "udp://127.0.0.1:\(port)?pkt_size=1316"])
}

/// `ffmpeg -re` serving MPEG-TS to one client at http://127.0.0.1:PORT (`-listen 1`).
func httpSender(port: Int) throws -> ChildProcess {
    try ChildProcess("/usr/bin/ffmpeg", liveSenderArguments(corrupt: false) + ["-f", "mpegts", "-listen", "1", "http://127.0.0.1:\(port)"])
}

/// GStreamer's RTSP server (tools/rtsp_server.py under Debian's /usr/bin/python3) with a live test pattern,
/// returned once it listens.
func rtspServer(port: Int) throws -> ChildProcess {
    let script = repositoryRoot.appendingPathComponent("tools/rtsp_server.py").path
    let server = try ChildProcess("/usr/bin/python3", [script, "--port", "\(port)", "--mount", "/cam"])
    guard server.waitForLines(timeoutSeconds: 15, { $0.contains { $0.hasPrefix("ready") } }) else {
        throw HarnessError("the RTSP server on port \(port) did not start")
    }
    return server
}

/// GStreamer's RTSP server on one port, started again whenever it has died while a test waits on its clients.
/// Debian's gst-rtsp-server 1.22 aborts now and then when a client's PLAY comes before the live encoder's first
/// buffer (rtsp-media.c, gst_rtsp_media_get_rates: assertion failed, "complete stream without rate"): two cameras
/// connecting at once to a restarted server on a loaded 2-core machine hit it twice in 40 rounds, with the media
/// shared by the clients (as tools/rtsp_server.py has it) and with one media a client. The tests are about vigil
/// getting its cameras back, so a server that crashes is treated as a camera that reboots once more.
final class RTSPServerKeeper {
    let port: Int
    private var server: ChildProcess
    /// How many times the server died on its own and was started again.
    private(set) var crashes = 0

    init(port: Int) throws {
        self.port = port
        server = try rtspServer(port: port)
    }

    func send(_ signal: Int32) { server.send(signal) }

    /// Kills the server (frozen or not) and starts a new one on the same port.
    func restart() throws {
        server.send(SIGCONT)
        server.send(SIGKILL)
        _ = server.waitForExit(timeoutSeconds: 10)
        server = try rtspServer(port: port)
    }

    /// Waits until `done` holds, starting the server again whenever it has died; false after `timeoutSeconds`.
    func wait(timeoutSeconds: Double, until done: () -> Bool) throws -> Bool {
        try poll(timeoutSeconds: timeoutSeconds, interval: 0.1) {
            if done() { return true }
            if !server.process.isRunning {
                crashes += 1
                server = try rtspServer(port: port)
            }
            return false
        }
    }
}

/// Checks `condition` every `interval` seconds until it holds; its last answer once `timeoutSeconds` have passed.
func poll(timeoutSeconds: Double, interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: interval)
    }
    return try condition()
}

/// Sends `count` datagrams of random bytes to udp://127.0.0.1:PORT (garbage a broken camera might send).
func sendGarbage(toUDPPort port: Int, count: Int) {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(fd) }
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<count {
        let bytes = (0..<1316).map { _ in UInt8.random(in: 0...255, using: &generator) }
        _ = withLoopbackAddress(port: port) { sendto(fd, bytes, bytes.count, 0, $0, $1) }
    }
}

/// Calls `body` with the socket address of 127.0.0.1:`port` and its length.
func withLoopbackAddress<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// The last `count` lines of a child's stderr file, for a failed expectation's message.
func lastLines(of file: URL, count: Int = 8) -> String {
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").suffix(count).joined(separator: "\n")
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
