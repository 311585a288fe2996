// `vigil cameras add|rm|ls`: the cluster's camera registry (docs/cluster.md).
import ArgumentParser
import Cluster
import Foundation
import Pipeline

struct Cameras: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, remove and list the cameras of a cluster (a NATS JetStream key-value bucket).",
        subcommands: [Add.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a camera (or replace one of that name); a running cluster starts it within seconds.")

        @Argument(help: "Camera name: 1-64 of A-Z a-z 0-9 _ - (it becomes a subject token).")
        var name: String
        @Argument(help: "Camera URL or file.")
        var url: String
        @Option(help: "Frames sampled per second of stream time.")
        var fps: Double?
        @Option(name: .customLong("seg-num"), help: "AttentionCluster: uniform picks per window.")
        var segNum: Int?
        @Option(help: "Seconds of stream each classification looks at.")
        var window: Double?
        @Option(help: "Seconds of stream between classifications.")
        var stride: Double?
        @Option(name: .customLong("rtsp-transport"), help: "RTSP transport: tcp or udp.")
        var rtspTransport: String?
        @OptionGroup var cluster: ClusterConnectionOptions

        func validate() throws {
            if let rtspTransport, !["tcp", "udp"].contains(rtspTransport) {
                throw ValidationError("--rtsp-transport must be tcp or udp")
            }
            if let segNum, segNum < 1 { throw ValidationError("--seg-num must be at least 1") }
        }

        func run() throws {
            try reportingFailures {
                guard ClusterNames.isSubjectSafe(name) else {  // before connecting: a usage error needs no broker
                    throw ClusterError.usage(
                        "camera name \"\(name)\" is not subject-safe (1-64 of A-Z a-z 0-9 _ -: it becomes a NATS subject token)")
                }
                var entry = CameraEntry(name: name, url: url)
                (entry.fps, entry.segNum, entry.window, entry.stride, entry.transport) = (fps, segNum, window, stride, rtspTransport)
                try ClusterSite(cluster.options).addCamera(entry)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a camera; its worker stops it.")
        @Argument(help: "Camera name.")
        var name: String
        @OptionGroup var cluster: ClusterConnectionOptions

        func run() throws {
            try reportingFailures { try ClusterSite(cluster.options).removeCamera(name) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List cameras as JSON Lines: name, url (no credentials), owner, state, since.")
        @OptionGroup var cluster: ClusterConnectionOptions

        func run() throws {
            try reportingFailures {
                for listing in try ClusterSite(cluster.options).listCameras() {
                    try StandardOutput.writeLine(listing)
                }
            }
        }
    }
}
