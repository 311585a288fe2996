// Reads the cluster's merged event stream for `vigil events`: the stored lines, then (following) new ones.
import Foundation

/// A pull consumer on the events stream. Each line is handed over exactly as a worker published it, which is the
/// line `vigil watch` prints. A durable consumer acks each line after it was handed over, so the next run with the
/// same name starts after it.
public final class EventStreamReader: @unchecked Sendable {
    /// Where a reader starts (a durable that already exists resumes where it stopped instead).
    public enum Start: Sendable, Equatable {
        case fromStart
        case new
        case since(Date)
    }

    /// What to read.
    public struct Query: Sendable {
        public var camera: String?
        /// Only these types (`start`, `end`, `window`, ...); empty: all.
        public var types: [String] = []
        public var start: Start = .fromStart
        public var follow = false
        public var durable: String?
        public init() {}
    }

    private let site: ClusterSite
    private let query: Query
    private let subscription: PullSubscription

    /// A reader for `query`; a durable name must be subject-safe.
    public init(site: ClusterSite, query: Query) throws(ClusterError) {
        if let durable = query.durable, !ClusterNames.isSubjectSafe(durable) {
            throw .usage("--durable \"\(durable)\" is not a valid consumer name (1-64 of A-Z a-z 0-9 _ -)")
        }
        if let camera = query.camera, !ClusterNames.isSubjectSafe(camera) {
            throw .usage("--camera \"\(camera)\" is not a camera name (1-64 of A-Z a-z 0-9 _ -)")
        }
        self.site = site
        self.query = query
        let start: PullSubscription.Start =
            switch query.start {
            case .fromStart: .all
            case .new: .new
            case .since(let date): .time(date)
            }
        // One type filters on the server; several are filtered here (server 2.9 has one filter per consumer).
        let type = query.types.count == 1 ? query.types[0] : nil
        subscription = try PullSubscription(
            .init(
                stream: site.names.eventsStream, filter: site.names.eventSubject(camera: query.camera, type: type),
                durable: query.durable, start: start, explicitAck: query.durable != nil),
            on: site.connection)
    }

    /// Hands every line to `body` in stream order; returns when the stored lines are read (unless following), or
    /// when `body` returns false. Without `follow` the end is the line the consumer counted last when it was made,
    /// not an empty fetch: a loaded machine or a NATS cluster still electing leaders can keep a fetch empty for
    /// seconds, and stopping there would print a silently shortened history. A stream that delivers nothing for
    /// `stallSeconds` while lines are still due fails (`.unavailable`, exit 69).
    public func read(stallSeconds: Double = 20, _ body: (Data) throws -> Bool) throws {
        if !query.follow, try subscription.pendingCount() == 0 { return }
        var lastDelivery = Date()
        while true {
            let messages = try subscription.fetch(batch: 256, timeoutSeconds: query.follow ? 1 : 2)
            if messages.isEmpty {
                if !query.follow, Date().timeIntervalSince(lastDelivery) > stallSeconds {
                    throw ClusterError.unavailable(
                        "stream \(site.names.eventsStream) delivered nothing for \(Int(stallSeconds)) s before its last stored line")
                }
                continue
            }
            lastDelivery = Date()
            for message in messages {
                let type = message.subject.split(separator: ".").last.map(String.init) ?? ""
                if query.types.count <= 1 || query.types.contains(type) {
                    guard try body(message.data) else { return }
                }
                if query.durable != nil { try message.ack() }
                if !query.follow, message.metadata?.pending == 0 { return }
            }
        }
    }
}
