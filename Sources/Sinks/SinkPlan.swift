// Turns `--events` and the sink options into the sinks a watch sends to.
import Foundation
import Stream

/// Everything the command line (or pipeline) says about where events go. `make` builds the sinks: stdout as given,
/// MQTT and webhooks from their addresses, with passwords resolved (never printed).
public struct SinkPlan: Sendable {
    /// The sinks, in order (default: stdout only).
    public var addresses: [SinkAddress] = [.stdout]
    /// A file whose first line is the MQTT password (wins over `VIGIL_MQTT_PASSWORD` and the URL's).
    public var mqttPasswordFile: String?
    /// CA certificate for mqtts:// (default: the system's).
    public var mqttCAFile: String?
    /// Home Assistant discovery: publish, remove, or nil (none).
    public var discovery: HomeAssistantDiscovery.Mode?
    /// The lifecycle phases webhooks receive.
    public var webhookPhases: Set<LifecycleEvent.Phase> = [.start, .end]
    /// CA certificate for https:// webhooks (default: the system's).
    public var webhookCAFile: String?
    /// Events each network sink holds while its remote end is away.
    public var queueCapacity = 10_000
    /// The process environment (for `VIGIL_MQTT_PASSWORD`).
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    /// A plan sending to stdout only.
    public init() {}

    /// Parses `--webhook-events start,end[,update]`.
    public static func phases(_ text: String) throws(SinkError) -> Set<LifecycleEvent.Phase> {
        var phases: Set<LifecycleEvent.Phase> = []
        for name in text.split(separator: ",") {
            guard let phase = LifecycleEvent.Phase(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw .usage("--webhook-events: \(name) is not start, end or update")
            }
            phases.insert(phase)
        }
        guard !phases.isEmpty else { throw .usage("--webhook-events: name at least one of start, end, update") }
        return phases
    }

    /// The sinks for `cameras` and `labels`; `stdout` is the stdout sink to use where `stdout` is listed.
    /// A broker that refuses vigil throws `.unavailable` (exit 69); one that is down is retried in the background.
    public func make(stdout: any EventSink, cameras: [String], labels: [String], version: String) throws(SinkError) -> [any EventSink] {
        if discovery != nil && !addresses.contains(where: { if case .mqtt = $0 { true } else { false } }) {
            throw .usage("--ha-discovery needs an mqtt:// or mqtts:// entry in --events")
        }
        var sinks: [any EventSink] = []
        for address in addresses {
            switch address {
            case .stdout: sinks.append(stdout)
            case .mqtt(var mqtt):
                mqtt.password = try password(default: mqtt.password)
                if mqtt.password != nil && mqtt.username == nil {
                    throw .usage("--events: \(mqtt): a password needs a user name (mqtt://user@host)")
                }
                var options = MQTTSink.Options(cameras: cameras, labels: labels)
                (options.caFile, options.discovery, options.queueCapacity, options.version) =
                    (mqttCAFile, discovery, queueCapacity, version)
                sinks.append(try MQTTSink(address: mqtt, options: options))
            case .webhook(let webhook):
                sinks.append(
                    try WebhookSink(address: webhook, phases: webhookPhases, caFile: webhookCAFile, queueCapacity: queueCapacity))
            }
        }
        return sinks
    }

    /// The password file's first line, else `VIGIL_MQTT_PASSWORD`, else the URL's password.
    private func password(default url: String?) throws(SinkError) -> String? {
        if let file = mqttPasswordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw .input("--mqtt-password-file: cannot read \(file)")
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        if let value = environment["VIGIL_MQTT_PASSWORD"], !value.isEmpty { return value }
        return url
    }
}
