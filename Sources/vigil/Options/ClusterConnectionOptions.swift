// Flags that reach a NATS cluster: --cluster, --cluster-name, credentials, TLS, retry (docs/cluster.md).
import ArgumentParser
import Cluster
import Foundation

/// `--cluster URL[,URL]`, `--cluster-name`, `--nats-creds`, `--nats-user`, `--nats-password` (or
/// $VIGIL_NATS_PASSWORD), `--nats-token` (or $VIGIL_NATS_TOKEN), `--nats-ca`, `--cluster-retry`, `--cluster-replicas`.
struct ClusterConnectionOptions: ParsableArguments {
    @Option(help: "NATS server URLs, comma-separated (nats://host:4222; tls:// for TLS).")
    var cluster: String?

    @Option(name: .customLong("cluster-name"), help: "The cluster's name: part of every subject, stream and bucket (default vigil).")
    var clusterName = "vigil"

    @Option(name: .customLong("nats-creds"), help: "NATS credentials file (JWT and nkey seed).")
    var natsCreds: String?

    @Option(name: .customLong("nats-user"), help: "NATS user name.")
    var natsUser: String?

    @Option(name: .customLong("nats-password"), help: "NATS password (better: $VIGIL_NATS_PASSWORD).")
    var natsPassword: String?

    @Option(name: .customLong("nats-token"), help: "NATS authentication token (better: $VIGIL_NATS_TOKEN).")
    var natsToken: String?

    @Option(name: .customLong("nats-ca"), help: "PEM file of CA certificates to trust; turns TLS on.")
    var natsCA: String?

    @Flag(name: .customLong("cluster-retry"), help: "Keep trying to reach NATS at start instead of exiting with 69.")
    var clusterRetry = false

    @Option(name: .customLong("cluster-replicas"), help: "JetStream replicas of the streams and buckets created (default 1).")
    var clusterReplicas = 1

    /// Connection options; without --cluster, $VIGIL_CLUSTER, else nats://127.0.0.1:4222.
    var options: ClusterOptions {
        let servers = cluster ?? ProcessInfo.processInfo.environment["VIGIL_CLUSTER"] ?? "nats://127.0.0.1:4222"
        var options = ClusterOptions(servers: [servers])
        options.name = clusterName
        options.credentialsFile = natsCreds
        options.user = natsUser
        options.password = natsPassword ?? ProcessInfo.processInfo.environment["VIGIL_NATS_PASSWORD"]
        options.token = natsToken ?? ProcessInfo.processInfo.environment["VIGIL_NATS_TOKEN"]
        options.caFile = natsCA
        options.retryConnect = clusterRetry
        options.replicas = clusterReplicas
        return options
    }

    func validate() throws {
        if !(1...5).contains(clusterReplicas) { throw ValidationError("--cluster-replicas must be 1 to 5") }
    }
}
