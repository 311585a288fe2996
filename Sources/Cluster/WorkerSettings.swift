// A cluster worker's knobs and their defaults (docs/cluster.md explains how they add up to the failover time).
import Foundation

/// How a worker leases cameras.
public struct WorkerSettings: Sendable {
    /// This worker's name in `owner` fields and heartbeats (default host-pid).
    public var workerID: String
    /// At most this many cameras at a time.
    public var capacity: Int
    /// A lease lapses this many seconds after its last renewal (the lease consumer's AckWait); renewed every third.
    public var leaseSeconds: Double = 6
    /// Seconds between looks at the registry and the other workers (adds, removals, fair share).
    public var pollSeconds: Double = 1
    /// A worker whose heartbeat is older than this is counted as gone.
    public var heartbeatExpirySeconds: Double = 6
    /// At most one camera handed back for balance per this many seconds.
    public var rebalanceSeconds: Double = 5

    /// Settings with `capacity` (default: 6 per core).
    public init(workerID: String? = nil, capacity: Int? = nil) {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "worker"
        self.workerID = workerID ?? "\(host)-\(getpid())"
        self.capacity = capacity ?? 6 * ProcessInfo.processInfo.activeProcessorCount
    }
}
