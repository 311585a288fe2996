// `vigil events`: the merged event stream of every worker of a cluster, as JSON Lines (docs/cluster.md).
import ArgumentParser
import Cluster
import Foundation

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a cluster's events as JSON Lines, the same lines vigil watch prints.",
        discussion: """
            Without --follow: the stored events (from the start unless --since), then exit. With --follow: new \
            events as they come (after the stored ones with --from-start or --since). --durable NAME keeps the \
            place on the server: the next run with that name starts after the last line printed.
            """)

    @Option(help: "Only this camera.")
    var camera: String?
    @Option(help: "Only these types, comma-separated: window,start,update,end,status.")
    var type: String?
    @Option(help: "Start at this time: epoch seconds, ISO 8601, or an age like 90s, 10m, 2h.")
    var since: String?
    @Flag(name: .customLong("from-start"), help: "Start at the first stored event.")
    var fromStart = false
    @Flag(help: "Keep printing new events until interrupted.")
    var follow = false
    @Option(help: "A durable consumer name: resume where the last run with this name stopped.")
    var durable: String?
    @OptionGroup var cluster: ClusterConnectionOptions

    func validate() throws {
        if since != nil && fromStart { throw ValidationError("--since and --from-start exclude each other") }
        if let since, Self.parseTime(since) == nil {
            throw ValidationError("--since \(since): not epoch seconds, ISO 8601, or an age like 10m")
        }
        let known = ["window", "start", "update", "end", "status"]
        for name in types where !known.contains(name) {
            throw ValidationError("--type \(name): not one of \(known.joined(separator: ","))")
        }
    }

    private var types: [String] { type?.split(separator: ",").map { String($0) } ?? [] }

    func run() throws {
        try reportingFailures {
            signal(SIGPIPE, SIG_IGN)
            var query = EventStreamReader.Query()
            query.camera = camera
            query.types = types
            query.follow = follow
            query.durable = durable
            query.start = since.flatMap(Self.parseTime).map { .since($0) } ?? (follow && !fromStart ? .new : .fromStart)
            let site = try ClusterSite(cluster.options)
            try EventStreamReader(site: site, query: query).read { line in
                var output = line
                output.append(0x0A)
                let written = output.withUnsafeBytes { Foundation.write(1, $0.baseAddress, $0.count) }
                if written != output.count { throw ExitCode(74) }
                return true
            }
        }
    }

    /// Epoch seconds, ISO 8601, or an age (`90s`, `10m`, `2h`, `1d`) before now.
    static func parseTime(_ text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 {
            return Date(timeIntervalSinceNow: -count * unit)
        }
        return nil
    }
}
