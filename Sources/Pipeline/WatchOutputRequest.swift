// Where `vigil watch` sends events and reports: `--events` (or the pipeline's `events:`), the MQTT and webhook
// options, `--http`. The CLI fills in plain values; this builds the sinks (Sinks) and the metrics server (Monitor).
import Foundation
import Monitor
import Sinks
import Stream

/// What the command line asked about event sinks and monitoring.
public struct WatchOutputRequest: Sendable {
    /// `--events` (nil: the pipeline's `events:` list, else stdout).
    public var events: String?
    public var mqttPasswordFile: String?
    public var mqttCAFile: String?
    /// nil: no discovery; "publish" or "remove".
    public var haDiscovery: String?
    public var webhookEvents = "start,end"
    public var webhookCAFile: String?
    public var sinkQueue = 10_000
    /// `--http ADDR:PORT`.
    public var http: String?
    /// `--no-window-events` turns this off for stdout.
    public var writesWindows = true

    /// A request for stdout only.
    public init() {}

    /// The sink every camera sends to: stdout, MQTT, webhooks as asked, plus the metrics of `--http` (whose server
    /// is listening when this returns; `stages` gets its decode observer). Errors name the flag: malformed
    /// addresses exit 64, a broker that refuses vigil or an address in use 69.
    public func sink(cameras: [CameraSpec], stages: inout WatchStages, config: PipelineConfig, version: String) throws -> any EventSink {
        var plan = SinkPlan()
        if let events {
            plan.addresses = try SinkAddress.list(events)
        } else if !config.events.isEmpty {
            plan.addresses = try config.events.map { entry throws(SinkError) in try SinkAddress(parsing: entry) }
        }
        plan.mqttPasswordFile = mqttPasswordFile
        plan.mqttCAFile = mqttCAFile
        plan.discovery = haDiscovery.flatMap(HomeAssistantDiscovery.Mode.init(rawValue:))
        plan.webhookPhases = try SinkPlan.phases(webhookEvents)
        plan.webhookCAFile = webhookCAFile
        plan.queueCapacity = sinkQueue
        var outputs = try plan.make(
            stdout: WatchRequest.standardOutputSink(writesWindows: writesWindows), cameras: cameras.map(\.name),
            labels: stages.labels, version: version)
        if let http {
            let metrics = WatchMetrics(
                cameras: cameras.map {
                    // Unhealthy once away longer than a retry and a no-frames timeout.
                    WatchMetrics.CameraInfo(name: $0.name, graceSeconds: $0.settings.retrySeconds + $0.settings.noFramesTimeoutSeconds)
                },
                sinks: outputs, version: version)
            try MonitorServer(address: http, metrics: metrics).start()
            stages.observer = metrics
            outputs.append(metrics)
        }
        return outputs.count == 1 ? outputs[0] : EventFanOut(outputs)
    }
}
