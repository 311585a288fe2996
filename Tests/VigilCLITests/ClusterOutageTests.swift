// One worker, two ffmpeg cameras and one nats-server that is away for 20 s: every line the worker printed reaches
// the stream once, in the order the worker printed it (issue 15's "stop all NATS servers" drill, small enough for
// CI; the three-node version is ClusterDrillTests).
import Foundation
import Testing

@Suite(.serialized) struct ClusterOutageTests {
    /// The lines of `lines` that belong to `camera`.
    static func of(_ camera: String, _ lines: [String]) -> [String] {
        lines.filter { $0.contains("\"camera\":\"\(camera)\"") }
    }

    @Test func aTwentySecondNATSOutageLosesNoLineAndKeepsTheirOrder() throws {
        let nats = try NATSTestServer()
        try Self.outage(["--cluster", nats.url, "--cluster-name", "outage"], stop: nats.stop, start: nats.start)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["VIGIL_DRILLS"] == "1", "a long drill: VIGIL_DRILLS=1"))
    func aTwentySecondOutageOfAllThreeNodesLosesNoLine() throws {
        let nats = try NATSTestCluster()
        let cluster = ["--cluster", nats.url, "--cluster-name", "outage3", "--cluster-replicas", "3"]
        let deadline = Date(timeIntervalSinceNow: 30)
        while Date() < deadline, (try? MediaCLI.vigil(["cameras", "ls"] + cluster, limit: 15))?.status != 0 {
            Thread.sleep(forTimeInterval: 0.5)
        }
        try Self.outage(cluster, stop: { for index in 0..<3 { nats.stop(index) } }, start: { for index in 0..<3 { try nats.start(index) } })
    }

    /// One worker with two cameras on `cluster`; NATS stopped for 20 s, then started again.
    static func outage(_ cluster: [String], stop: () -> Void, start: () throws -> Void) throws {
        let fixture = try WatchFixture()
        let cameras = ["cam-0", "cam-1"]
        let ports = cameras.map { _ in freePort(udp: true) }
        let senders = try ports.map { try udpSender(port: $0) }
        for (camera, port) in zip(cameras, ports) {
            #expect(try MediaCLI.vigil(["cameras", "add", camera, "udp://127.0.0.1:\(port)"] + cluster).status == 0)
        }
        let log = fixture.folder.appendingPathComponent("w1.log")
        let worker = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([], cluster + ["--worker-name", "w1"]), stderrFile: log)
        /// The stored lines; nil while JetStream does not answer yet (a restarted three-node cluster: exit 69).
        func stored() throws -> [String]? {
            let read = try MediaCLI.vigil(["events", "--from-start"] + cluster)
            return read.status == 0 ? read.stdout.split(separator: "\n").map(String.init) : nil
        }
        func windows(_ lines: [String]) -> [String] { lines.filter { $0.contains("\"type\":\"window\"") } }
        #expect(worker.waitForLines(timeoutSeconds: 60) { lines in cameras.allSatisfy { !windows(of($0, lines)).isEmpty } })

        // NATS away for 20 s: the worker keeps watching and printing.
        stop()
        let printedBefore = worker.lines.count
        Thread.sleep(forTimeInterval: 20)
        let printedDuring = windows(Array(worker.lines.dropFirst(printedBefore))).count
        #expect(printedDuring >= 10, "the cameras kept producing windows while NATS was away (\(printedDuring))")
        try start()

        // Back: what was printed until now reaches the stream within seconds.
        let printed = worker.lines
        var caughtUp = false
        let deadline = Date(timeIntervalSinceNow: 30)
        while !caughtUp && Date() < deadline {
            caughtUp = try stored().map { Set($0).isSuperset(of: printed) } ?? false
            if !caughtUp { Thread.sleep(forTimeInterval: 1) }
        }
        #expect(caughtUp, "the lines printed until the restart did not all reach the stream within 30 s")

        // After a clean stop, per camera the stream holds exactly what the worker printed: none lost, none twice,
        // the same order (the cameras interleave freely).
        #expect(worker.interrupt(SIGTERM) == 0)
        let all = try #require(try stored(), "vigil events --from-start failed")
        for camera in cameras {
            let expected = of(camera, worker.lines)
            let got = of(camera, all)
            #expect(got == expected, "\(camera): \(got.count) stored, \(expected.count) printed")
        }
        let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!stderr.contains("never reached the stream"), "\(stderr)")
        _ = senders
    }
}
