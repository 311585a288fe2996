// Flags that choose where `vigil watch` sends events (docs/events.md, "Sinks").
import ArgumentParser
import Foundation
import Pipeline

/// `--events`, the MQTT and webhook options, `--ha-discovery [remove]`, `--http`.
struct EventSinkOptions: ParsableArguments {
    @Option(help: "Where events go, comma-separated: stdout, mqtt://[user[:password]@]host[:port][/prefix], mqtts://…, http(s)://… (default stdout, or the pipeline's events: list).")
    var events: String?

    @Option(name: .customLong("mqtt-password-file"), help: "File whose first line is the MQTT password (else VIGIL_MQTT_PASSWORD, else the URL's).")
    var mqttPasswordFile: String?

    @Option(name: .customLong("mqtt-ca-file"), help: "CA certificate (PEM) that signed the mqtts:// broker's certificate (default: the system's).")
    var mqttCAFile: String?

    @Flag(name: .customLong("ha-discovery"), help: "Publish Home Assistant MQTT discovery (one binary_sensor per camera and label); '--ha-discovery remove' removes it.")
    var haDiscovery = false

    @Option(name: .customLong("webhook-events"), help: "Lifecycle lines POSTed to webhooks: start,end[,update] (default start,end).")
    var webhookEvents = "start,end"

    @Option(name: .customLong("webhook-ca-file"), help: "CA certificate (PEM) for https:// webhooks (default: the system's).")
    var webhookCAFile: String?

    @Option(help: "Serve GET /metrics (Prometheus), /healthz and /cameras on ADDR:PORT, e.g. 127.0.0.1:9464.")
    var http: String?

    @Option(name: .customLong("sink-queue"), help: "Events each MQTT or webhook sink holds while its remote end is away (default 10000); the oldest is dropped and counted beyond.")
    var sinkQueue = 10_000

    func validate() throws {
        if sinkQueue < 1 { throw ValidationError("--sink-queue must be at least 1") }
    }

    /// True when `--ha-discovery` is followed by `remove` (which the parser took for a camera URL).
    var removesDiscovery: Bool {
        let arguments = CommandLine.arguments
        return haDiscovery && zip(arguments, arguments.dropFirst()).contains { $0 == "--ha-discovery" && $1 == "remove" }
    }

    /// The camera URLs with the `remove` of `--ha-discovery remove` taken out.
    func cameraURLs(_ urls: [String]) -> [String] {
        guard removesDiscovery, let index = urls.firstIndex(of: "remove") else { return urls }
        var kept = urls
        kept.remove(at: index)
        return kept
    }

    /// These flags as Pipeline's request.
    func request(writesWindows: Bool) -> WatchOutputRequest {
        var request = WatchOutputRequest()
        request.events = events
        request.mqttPasswordFile = mqttPasswordFile
        request.mqttCAFile = mqttCAFile
        request.haDiscovery = haDiscovery ? (removesDiscovery ? "remove" : "publish") : nil
        request.webhookEvents = webhookEvents
        request.webhookCAFile = webhookCAFile
        request.sinkQueue = sinkQueue
        request.http = http
        request.writesWindows = writesWindows
        return request
    }
}
