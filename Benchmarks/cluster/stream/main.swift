// Events per second into the cluster's JetStream stream: JetStreamEventSink (the worker's sink) publishing window
// lines on loopback, each acked before the next as in a worker. Run by Benchmarks/cluster/throughput.sh.
// Usage: bench-cluster NATS_URL CLUSTER_NAME LINES
import Cluster
import Foundation
import Models
import Stream

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]), count > 0 else {
    FileHandle.standardError.write(Data("usage: bench-cluster NATS_URL CLUSTER_NAME LINES\n".utf8))
    exit(64)
}
var options = ClusterOptions(servers: [arguments[1]])
options.name = arguments[2]
do {
    let site = try ClusterSite(options)
    let sink = JetStreamEventSink(connection: site.connection, names: site.names, capacity: count)
    // Window lines as a 4-camera worker prints them (about 300 bytes each, top 3 classes).
    let start = Date().timeIntervalSince1970
    let events = (0..<count).map { index in
        Event.window(
            WindowEvent(
                camera: "cam-\(index % 4)", startPts: Double(index), endPts: Double(index) + 4,
                startTime: start + Double(index), endTime: start + Double(index) + 4, frames: 16,
                topK: [
                    ClassScore(classIndex: 2, label: "car", score: 0.81), ClassScore(classIndex: 7, label: "person", score: 0.12),
                    ClassScore(classIndex: 0, label: "background", score: 0.04),
                ], latency: 0.031, droppedWindows: 0))
    }
    let began = Date()
    for event in events { try sink.send(event) }
    guard sink.waitUntilDelivered(within: 600) else { throw ClusterError.unavailable("the stream did not take \(count) lines in 600 s") }
    let seconds = Date().timeIntervalSince(began)
    sink.close(within: 1)
    let counters = sink.counters
    let bytes = try JSONEncoder().encode(events[0]).count
    print(
        "{\"lines\":\(counters.delivered),\"dropped\":\(counters.dropped),\"line_bytes\":\(bytes),"
            + "\"publish_seconds\":\(String(format: "%.3f", seconds)),"
            + "\"publish_per_second\":\(Int(Double(counters.delivered) / seconds))}")
} catch {
    FileHandle.standardError.write(Data("bench-cluster: \(error.localizedDescription)\n".utf8))
    exit(69)
}
