// The camera registry and lease tokens against a real nats-server: add, list (credentials redacted), remove;
// names that are not subject-safe and buckets of another schema are refused by name.
@testable import Cluster
import Foundation
import Testing

@Suite(.serialized) struct ClusterSiteTests {
    static func site(_ server: NATSServerProcess, name: String) throws -> ClusterSite {
        var options = ClusterOptions(servers: [server.url])
        options.name = name
        return try ClusterSite(options)
    }

    @Test func camerasAreAddedListedWithoutCredentialsAndRemoved() throws {
        let server = try NATSServerProcess()
        let site = try Self.site(server, name: "r1")
        var gate = CameraEntry(name: "gate", url: "rtsp://admin:s3cret@10.0.0.7:554/stream1")
        gate.fps = 2
        try site.addCamera(gate)
        try site.addCamera(CameraEntry(name: "dock-2", url: "udp://127.0.0.1:5000"))
        #expect(try site.cameras() == [CameraEntry(name: "dock-2", url: "udp://127.0.0.1:5000"), gate])
        let listed = try site.listCameras()
        #expect(listed.map(\.name) == ["dock-2", "gate"])
        #expect(listed[1].url == "rtsp://10.0.0.7:554/stream1")
        #expect(listed.allSatisfy { $0.owner == nil && $0.state == "unassigned" && $0.since == nil })
        try site.removeCamera("gate")
        #expect(try site.cameras().map(\.name) == ["dock-2"])
        #expect(throws: ClusterError.self) { try site.removeCamera("gate") }
    }

    @Test func aNameThatIsNotSubjectSafeIsRefused() throws {
        let server = try NATSServerProcess()
        let site = try Self.site(server, name: "r2")
        for name in ["front.door", "a b", "cam*", "x>", "", String(repeating: "a", count: 65)] {
            #expect(throws: ClusterError.self) { try site.addCamera(CameraEntry(name: name, url: "udp://127.0.0.1:1")) }
        }
        #expect(try site.cameras().isEmpty)
        #expect(throws: ClusterError.self) { try ClusterNames(cluster: "my.cluster") }
    }

    @Test func aBucketOfAnotherSchemaIsRefusedByName() throws {
        let server = try NATSServerProcess()
        var options = ClusterOptions(servers: [server.url])
        options.name = "r3"
        let connection = try NATSConnection(options)
        let bucket = try KeyValueBucket.open("vigil-r3-cameras", on: connection, create: true).bucket
        try bucket.put("vigil.schema", Data("{\"schema\":2}".utf8))
        do {
            _ = try ClusterSite(options)
            Issue.record("the bucket was accepted")
        } catch {
            #expect(error.errorCode == 65)
            #expect(error.errorDescription?.contains("vigil-r3-cameras") == true)
            #expect(error.errorDescription?.contains("schema 2") == true)
        }
    }

    @Test func oneLeaseTokenPerCameraHowEverOftenItIsAdded() throws {
        let server = try NATSServerProcess()
        let site = try Self.site(server, name: "r4")
        for _ in 0..<3 { try site.addCamera(CameraEntry(name: "gate", url: "udp://127.0.0.1:1")) }
        try site.addCamera(CameraEntry(name: "yard", url: "udp://127.0.0.1:2"))
        let leases = try PullSubscription(
            .init(stream: site.names.leaseStream, filter: site.names.leaseSubjects, durable: "workers", ackWaitSeconds: 2),
            on: site.connection)
        let tokens = try leases.fetch(batch: 10, timeoutSeconds: 1)
        #expect(tokens.map(\.subject).sorted() == ["vigil.r4.lease.gate", "vigil.r4.lease.yard"])
        try site.ensureLeaseToken("gate")  // held, not acked: still one
        #expect(try leases.fetch(batch: 10, timeoutSeconds: 0.5).isEmpty)
        // Not renewed: redelivered after AckWait; renewed with InProgress: kept.
        let deadline = Date(timeIntervalSinceNow: 3)
        while Date() < deadline {
            try tokens[0].inProgress()
            Thread.sleep(forTimeInterval: 0.5)
        }
        let again = try leases.fetch(batch: 10, timeoutSeconds: 1)
        #expect(again.map(\.subject) == [tokens[1].subject])
        try again[0].nak()
        #expect(try leases.fetch(batch: 10, timeoutSeconds: 1).map(\.subject) == [tokens[1].subject])
    }
}
