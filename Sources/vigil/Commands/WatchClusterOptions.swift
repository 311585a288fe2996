// `vigil watch --cluster …` (a worker of a NATS cluster) and `vigil watch --shard K/N` (a static split).
import ArgumentParser
import Cluster
import Foundation
import Pipeline

/// Watch's cluster flags: the connection, `--capacity`, `--worker-name`, `--lease-seconds`, `--shard`.
struct WatchClusterOptions: ParsableArguments {
    @OptionGroup var connection: ClusterConnectionOptions

    @Option(help: "Cluster worker: at most this many cameras at a time (default 6 per core).")
    var capacity: Int?

    @Option(name: .customLong("worker-name"), help: "Cluster worker: its name in owner fields (default host-pid).")
    var workerName: String?

    @Option(name: .customLong("lease-seconds"), help: "Cluster worker: a lease lapses this long after its last renewal (default 6).")
    var leaseSeconds: Double?

    @Option(help: "Watch only shard K of N (0 <= K < N) of the pipeline's cameras, split by rendezvous hashing of their names.")
    var shard: String?

    func check(urls: [String]) throws {
        if let capacity, capacity < 1 { throw ValidationError("--capacity must be at least 1") }
        if let leaseSeconds, !(leaseSeconds >= 1 && leaseSeconds <= 300) { throw ValidationError("--lease-seconds must be 1 to 300") }
        if connection.cluster != nil && !urls.isEmpty {
            throw ValidationError("--cluster takes its cameras from the cluster (vigil cameras add), not from URLs")
        }
        if connection.cluster != nil && shard != nil { throw ValidationError("--shard and --cluster exclude each other") }
    }

    /// Runs a worker until SIGINT/SIGTERM.
    func runWorker(_ request: WatchRequest, windowEvents: Bool) throws {
        var settings = WorkerSettings(workerID: workerName, capacity: capacity)
        if let leaseSeconds { settings.leaseSeconds = leaseSeconds }
        let site = try ClusterSite(connection.options)
        try ClusterWorker(site: site, request: request, settings: settings, writesWindows: windowEvents).run()
    }

    /// The planned cameras, only this shard's with --shard.
    func shard(_ plan: (cameras: [CameraSpec], stages: WatchStages)) throws -> ([CameraSpec], WatchStages) {
        guard let shard else { return plan }
        let split = try RendezvousShard(parsing: shard)
        let mine = plan.cameras.filter { split.owns($0.name) }
        FileHandle.standardError.write(
            Data("vigil: shard \(shard): \(mine.count) of \(plan.cameras.count) cameras: \(mine.map(\.name).joined(separator: ", "))\n".utf8))
        guard !mine.isEmpty else { throw ClusterError.usage("--shard \(shard): none of the \(plan.cameras.count) cameras falls in this shard") }
        return (mine, plan.stages)
    }
}
