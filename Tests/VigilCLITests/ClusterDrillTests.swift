// The cluster drill of issue 15 on loopback: three clustered nats-server processes (JetStream, replicas 3), three
// vigil workers, six ffmpeg cameras. A fourth worker joins (balance), a NATS node is killed, all NATS nodes stop for
// 20 s (events buffered and flushed in order), every worker restarts (state from the buckets).
import Foundation
import Testing

/// Three `nats-server` processes routed into one JetStream cluster, each with its own store folder.
final class NATSTestCluster {
    let clientPorts = [freePort(), freePort(), freePort()]
    let routePorts = [freePort(), freePort(), freePort()]
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-natsc-\(UUID().uuidString)")
    var nodes: [ChildProcess?] = [nil, nil, nil]
    var url: String { clientPorts.map { "nats://127.0.0.1:\($0)" }.joined(separator: ",") }

    init() throws {
        for index in 0..<3 { try start(index) }
    }

    deinit {
        for index in 0..<3 { stop(index) }
        try? FileManager.default.removeItem(at: root)
    }

    func start(_ index: Int) throws {
        let store = root.appendingPathComponent("n\(index)")
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        let routes = routePorts.enumerated().filter { $0.offset != index }.map { "nats://127.0.0.1:\($0.element)" }
        nodes[index] = try ChildProcess(
            "/usr/sbin/nats-server",
            ["-js", "-sd", store.path, "-a", "127.0.0.1", "-p", "\(clientPorts[index])", "-n", "n\(index)",
             "--cluster_name", "vigil-test", "--cluster", "nats://127.0.0.1:\(routePorts[index])",
             "--routes", routes.joined(separator: ",")])
    }

    func stop(_ index: Int) {
        nodes[index]?.send(SIGKILL)
        _ = nodes[index]?.waitForExit(timeoutSeconds: 5)
        nodes[index] = nil
    }
}

@Suite(.serialized) struct ClusterDrillTests {
    static func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// A long drill (about 2.5 min, 3 nats-servers, 4 workers): run it with VIGIL_DRILLS=1, not in CI (the 20 s
    /// outage alone, with one server, is ClusterOutageTests). Its outage check once saw no stored line at all: it
    /// read the stream 15 s after the restart without looking at the status, and `vigil events` had exited 69
    /// (the restarted JetStream cluster still answering "Timeout"); it now reads until the stream answers.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VIGIL_DRILLS"] == "1", "a long drill: VIGIL_DRILLS=1"))
    func threeNodeDrill() throws {
        let fixture = try WatchFixture()
        let nats = try NATSTestCluster()
        let cluster = ["--cluster", nats.url, "--cluster-name", "drill3", "--cluster-replicas", "3"]
        // The JetStream cluster needs a meta leader before the first stream can be made.
        let deadline = Date(timeIntervalSinceNow: 30)
        while Date() < deadline, (try? MediaCLI.vigil(["cameras", "ls"] + cluster, limit: 15))?.status != 0 {
            Thread.sleep(forTimeInterval: 0.5)
        }
        let names = (1...6).map { "cam-\($0)" }
        let ports = names.map { _ in freePort(udp: true) }
        let senders = try ports.map { try udpSender(port: $0) }
        for (name, port) in zip(names, ports) {
            #expect(try MediaCLI.vigil(["cameras", "add", name, "udp://127.0.0.1:\(port)"] + cluster).status == 0)
        }
        func worker(_ name: String) throws -> ChildProcess {
            try ChildProcess(
                vigilBinary.path, fixture.watchArguments([], cluster + ["--worker-name", name]),
                stderrFile: fixture.folder.appendingPathComponent("\(name).log"))
        }
        func owners() throws -> [String: Int] {
            let listed = try MediaCLI.vigil(["cameras", "ls"] + cluster)
            var counts: [String: Int] = [:]
            for row in listed.stdout.split(separator: "\n").map({ Self.json(String($0)) }) {
                if let owner = row["owner"] as? String, row["state"] as? String == "online" { counts[owner, default: 0] += 1 }
            }
            return counts
        }
        func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while Date() < deadline {
                if try condition() { return true }
                Thread.sleep(forTimeInterval: 0.5)
            }
            return try condition()
        }
        var workers = try ["w1", "w2", "w3"].map(worker)

        // All six cameras run; after a rebalance period no worker is above ⌈6/3⌉+1 (a worker that started first
        // may have taken them all: the others take theirs as it hands them back, one per 5 s).
        #expect(try waitFor(60) { try owners().values.reduce(0, +) == 6 })
        #expect(try waitFor(30) { let counts = try owners(); return counts.values.reduce(0, +) == 6 && counts.values.allSatisfy { $0 <= 3 } })

        // A fourth worker joins and takes its share without a restart of the others.
        workers.append(try worker("w4"))
        #expect(try waitFor(40) {
            let counts = try owners()
            return counts["w4", default: 0] >= 1 && counts.values.reduce(0, +) == 6 && counts.values.allSatisfy { $0 <= 3 }
        })

        // kill -9 one NATS node: the workers carry on (events still reach the stream through the other two).
        nats.stop(0)
        let afterKill = Date().timeIntervalSince1970
        #expect(try waitFor(30) {
            let recent = try MediaCLI.vigil(["events", "--type", "window", "--since", "\(afterKill)"] + cluster)
            let cameras = Set(recent.stdout.split(separator: "\n").compactMap { Self.json(String($0))["camera"] as? String })
            return cameras.count == 6
        })
        try nats.start(0)

        // Every NATS node down for 20 s: the workers keep watching, then the stream gets every line, in order.
        for index in 0..<3 { nats.stop(index) }
        Thread.sleep(forTimeInterval: 20)
        for index in 0..<3 { try nats.start(index) }
        // A JetStream cluster that restarted from nothing answers "Timeout" until its leaders are elected (10 s and
        // more on a loaded machine; `vigil events` then exits 69). Read until it answers and holds every window line
        // printed before the restart; only then stop the workers, whose queues may still be draining.
        let printed = workers.flatMap { $0.lines.filter { $0.contains("\"type\":\"window\"") } }
        func storedLines() throws -> [String]? {
            let read = try MediaCLI.vigil(["events", "--from-start"] + cluster, limit: 120)
            return read.status == 0 ? read.stdout.split(separator: "\n").map(String.init) : nil
        }
        #expect(try waitFor(90) { try storedLines().map { Set($0).isSuperset(of: printed) } ?? false })
        for process in workers { _ = process.interrupt(SIGTERM, timeoutSeconds: 15) }
        let stored = try #require(try storedLines(), "vigil events --from-start failed after the outage")
        let storedSet = Set(stored)
        for process in workers {
            let windows = process.lines.filter { $0.contains("\"type\":\"window\"") }
            let missing = windows.filter { !storedSet.contains($0) }.count
            #expect(missing == 0, "\(missing) of a worker's \(windows.count) window lines are not in the stream")
            // Per camera, the stream holds them in the order the worker printed them (cameras interleave freely).
            let stored = stored.filter { Set(windows).contains($0) }
            for camera in Set(windows.compactMap { Self.json($0)["camera"] as? String }) {
                let marker = "\"camera\":\"\(camera)\""
                #expect(stored.filter { $0.contains(marker) } == windows.filter { $0.contains(marker) }, "\(camera): order differs")
            }
        }
        #expect(workers.contains { $0.lines.contains { $0.contains("\"type\":\"window\"") } })
        let starts = Set(stored.map(Self.json).filter { $0["type"] as? String == "start" }.compactMap { $0["id"] as? String })
        let ends = Set(stored.map(Self.json).filter { $0["type"] as? String == "end" }.compactMap { $0["id"] as? String })
        #expect(!starts.isEmpty && starts.isSubset(of: ends))

        // Every worker restarted: the cameras come back from the buckets.
        workers = try ["w5", "w6", "w7"].map(worker)
        #expect(try waitFor(60) { try owners().values.reduce(0, +) == 6 })
        for process in workers { _ = process.interrupt(SIGTERM) }
        _ = senders
    }
}
