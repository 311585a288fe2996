// Every subject, stream and bucket name a cluster uses, derived from its name in one place (docs/cluster.md).
import Foundation

/// The names of one cluster's NATS objects.
public struct ClusterNames: Sendable, Equatable {
    /// The cluster's name (subject-safe).
    public let cluster: String

    /// Names for `cluster`; a name that is not subject-safe is refused (exit 64).
    public init(cluster: String) throws(ClusterError) {
        guard Self.isSubjectSafe(cluster) else {
            throw .usage("cluster name \"\(cluster)\" is not subject-safe (1-64 of A-Z a-z 0-9 _ -)")
        }
        self.cluster = cluster
    }

    /// True for 1-64 characters of `A-Z a-z 0-9 _ -`: usable as one subject token, a key and part of a stream name.
    public static func isSubjectSafe(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x5F || byte == 0x2D
            }
    }

    /// `name` with every character that is not subject-safe replaced by `_` (for camera names from URLs).
    static func subjectToken(_ name: String) -> String {
        let safe = String(name.map { character -> Character in
            isSubjectSafe(String(character)) ? character : "_"
        })
        return safe.isEmpty ? "_" : String(safe.prefix(64))
    }

    // MARK: Events

    /// The stream of every event line of the cluster.
    public var eventsStream: String { "VIGIL_\(cluster)_EVENTS" }
    /// `vigil.<cluster>.events.>`
    public var eventsSubjects: String { "vigil.\(cluster).events.>" }
    /// `vigil.<cluster>.events.<camera>.<type>`; nil parts are wildcards (`*`).
    public func eventSubject(camera: String?, type: String?) -> String {
        "vigil.\(cluster).events.\(camera.map(Self.subjectToken) ?? "*").\(type ?? "*")"
    }

    // MARK: Cameras and workers

    /// Camera definitions: one key per camera (its name), plus `vigil.schema`.
    public var camerasBucket: String { "vigil-\(cluster)-cameras" }
    /// Each camera's owner, state and open events, written by the worker that runs it.
    public var statusBucket: String { "vigil-\(cluster)-status" }
    /// Each worker's heartbeat.
    public var workersBucket: String { "vigil-\(cluster)-workers" }

    // MARK: Leases

    /// The work-queue stream holding one lease token per camera.
    public var leaseStream: String { "VIGIL_\(cluster)_LEASES" }
    /// `vigil.<cluster>.lease.<camera>`
    public func leaseSubject(camera: String) -> String { "vigil.\(cluster).lease.\(camera)" }
    /// The lease stream's subjects.
    public var leaseSubjects: String { "vigil.\(cluster).lease.>" }
    /// The one durable pull consumer all workers share.
    public var leaseConsumer: String { "workers" }
    /// The camera a lease token's subject names.
    public func camera(ofLeaseSubject subject: String) -> String? {
        let prefix = "vigil.\(cluster).lease."
        return subject.hasPrefix(prefix) ? String(subject.dropFirst(prefix.count)) : nil
    }
}
