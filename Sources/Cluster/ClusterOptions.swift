// How to reach a NATS cluster: servers, credentials, TLS, the cluster's name (docs/cluster.md).
import Foundation

/// Where and how to connect. Credentials live only here and in the C client; nothing prints them.
public struct ClusterOptions: Sendable {
    /// `nats://host:port` URLs (`tls://` for TLS); a URL may carry `user:password@`.
    public var servers: [String]
    /// The cluster's name: the second token of every subject and part of every stream and bucket name.
    public var name: String = "vigil"
    /// A NATS credentials file (JWT + nkey seed).
    public var credentialsFile: String?
    public var user: String?
    public var password: String?
    /// A NATS authentication token (`nats-server --auth`).
    public var token: String?
    /// A PEM file of CA certificates to trust; turns TLS on.
    public var caFile: String?
    /// Keep trying to connect at start instead of failing with exit 69.
    public var retryConnect = false
    /// JetStream replicas for the streams and buckets this cluster creates (3 on a three-node NATS cluster).
    public var replicas = 1
    /// Seconds a JetStream request may wait for its answer.
    public var requestTimeout: Double = 5

    /// Options for `servers` (a comma-separated list is split).
    public init(servers: [String]) {
        self.servers = servers.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    /// The servers with any `user:password@` removed, for messages.
    public var redactedServers: String { servers.map(Self.redacted).joined(separator: ",") }

    /// `url` without credentials.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + rest[rest.index(after: at)...]
    }
}
