// One cluster as a command sees it: the connection, the events and lease streams, the camera and status buckets.
import Foundation

/// Opens (and on first use creates) everything a cluster keeps in NATS:
/// - stream `VIGIL_<cluster>_EVENTS` on `vigil.<cluster>.events.>` (limits, 7 days, 2-minute duplicate window);
/// - work-queue stream `VIGIL_<cluster>_LEASES` on `vigil.<cluster>.lease.>`, one message per subject, new ones
///   refused per subject: one lease token per camera;
/// - key-value buckets `vigil-<cluster>-cameras` (the registry) and `vigil-<cluster>-status` (owner and state).
public final class ClusterSite: @unchecked Sendable {
    public let connection: NATSConnection
    public let names: ClusterNames
    let registry: CameraRegistry
    let status: KeyValueBucket
    /// How long events are kept.
    public static let eventRetentionSeconds: Double = 7 * 24 * 3600

    /// Connects and opens the cluster named in `options`. With `retryConnect` (`--cluster-retry`) it also waits
    /// while JetStream is unavailable (a NATS cluster that just restarted has no leaders for a while).
    public init(_ options: ClusterOptions) throws(ClusterError) {
        names = try ClusterNames(cluster: options.name)
        connection = try NATSConnection(options)
        var reported: ClusterError?
        while true {
            do {
                (registry, status) = try Self.open(names, options: options, on: connection)
                break
            } catch {
                guard options.retryConnect, case .unavailable = error else { throw error }
                if reported == nil { NATSConnection.log("\(error.localizedDescription); retrying (--cluster-retry)") }
                reported = error
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Creates (unless they exist) the events and lease streams and the buckets, and opens the buckets.
    private static func open(_ names: ClusterNames, options: ClusterOptions, on connection: NATSConnection)
        throws(ClusterError) -> (CameraRegistry, KeyValueBucket)
    {
        try connection.ensureStream(
            .init(
                name: names.eventsStream, subjects: [names.eventsSubjects], maxAgeSeconds: Self.eventRetentionSeconds,
                replicas: options.replicas))
        try connection.ensureStream(
            .init(
                name: names.leaseStream, subjects: [names.leaseSubjects], workQueue: true, maxMessagesPerSubject: 1,
                discardNewPerSubject: true, duplicateWindowSeconds: 0, replicas: options.replicas))
        let registry = try CameraRegistry(names: names, on: connection)
        return (registry, try KeyValueBucket.open(names.statusBucket, on: connection, create: true).bucket)
    }

    // MARK: Cameras

    /// Adds (or replaces) a camera and puts its lease token in the queue; a running cluster starts it within
    /// a fetch interval. A name that is not subject-safe is refused (exit 64).
    public func addCamera(_ entry: CameraEntry) throws(ClusterError) {
        guard ClusterNames.isSubjectSafe(entry.name) else {
            throw .usage(
                "camera name \"\(entry.name)\" is not subject-safe (1-64 of A-Z a-z 0-9 _ -: it becomes a NATS subject token)")
        }
        try registry.put(entry)
        try ensureLeaseToken(entry.name)
    }

    /// Removes a camera: its definition and its status. The worker holding its lease token stops it at its next
    /// poll and ends the token (a worker that fetches a token of an unknown camera ends it too). The token is not
    /// purged here: on nats-server 2.9 a purge filtered by subject moves the consumer's ack floor past every
    /// other camera's token as well, and those would never be delivered again.
    public func removeCamera(_ name: String) throws(ClusterError) {
        guard try registry.entry(name) != nil else { throw .notFound("camera \(name) is not in \(names.camerasBucket)") }
        try registry.remove(name)
        try status.delete(name)
    }

    /// Every camera with its owner and state.
    public func listCameras() throws(ClusterError) -> [CameraListing] {
        var listings: [CameraListing] = []
        for entry in try registry.entries() {
            let record = try cameraStatus(entry.name)
            listings.append(
                CameraListing(
                    name: entry.name, url: ClusterOptions.redacted(entry.url), owner: record?.owner,
                    state: record?.state ?? "unassigned", since: record?.since))
        }
        return listings
    }

    /// The camera definitions.
    public func cameras() throws(ClusterError) -> [CameraEntry] { try registry.entries() }

    /// The status a worker last wrote for `camera`.
    func cameraStatus(_ camera: String) throws(ClusterError) -> CameraStatus? {
        guard let data = try status.get(camera) else { return nil }
        return try? JSONDecoder().decode(CameraStatus.self, from: data)
    }

    /// Publishes `camera`'s lease token unless one is queued or held already (the stream refuses a second one).
    func ensureLeaseToken(_ camera: String) throws(ClusterError) {
        _ = try connection.publish(Data(camera.utf8), to: names.leaseSubject(camera: camera), messageID: nil)
    }
}
