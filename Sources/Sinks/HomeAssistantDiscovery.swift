// Home Assistant MQTT discovery: one binary_sensor per camera × label, one device per camera (docs/events.md).
import Foundation

/// What `--ha-discovery` publishes: retained config messages under `homeassistant/binary_sensor/…/config` that make
/// Home Assistant create (or, with empty payloads, remove) a binary sensor per camera and label.
public struct HomeAssistantDiscovery: Sendable {
    /// Publish the configs, or publish empty retained payloads that remove them.
    public enum Mode: String, Sendable { case publish, remove }

    /// Home Assistant's default discovery prefix.
    public static let discoveryPrefix = "homeassistant"

    /// The device class Home Assistant shows for a label (nil: none, a plain on/off sensor).
    public static func deviceClass(label: String) -> String? {
        switch label {
        case "motion": "motion"
        case "loud_sound": "sound"
        case "camera_tamper": "tamper"
        case "lighting_change": "light"
        default: nil
        }
    }

    /// `homeassistant/binary_sensor/vigil_<camera>/<label>/config`.
    public static func configTopic(camera: String, label: String) -> String {
        "\(discoveryPrefix)/binary_sensor/vigil_\(TopicName.identifier(camera))/\(TopicName.identifier(label))/config"
    }

    /// The config payload for one sensor: its state topic carries `ON`/`OFF`; it is available while vigil is
    /// (`<prefix>/available`) and the camera is online (`<prefix>/<camera>/status`).
    public static func config(camera: String, label: String, topics: MQTTTopics, version: String) -> Data {
        let cameraID = TopicName.identifier(camera)
        var config: [String: Any] = [
            "name": label,
            "unique_id": "vigil_\(cameraID)_\(TopicName.identifier(label))",
            "object_id": "vigil_\(cameraID)_\(TopicName.identifier(label))",
            "state_topic": topics.label(camera: camera, label: label),
            "payload_on": "ON",
            "payload_off": "OFF",
            "availability_mode": "all",
            "availability": [
                ["topic": topics.available, "payload_available": "online", "payload_not_available": "offline"],
                [
                    "topic": topics.status(camera: camera), "payload_available": "online",
                    "payload_not_available": "offline",
                    "value_template": "{{ 'online' if value == 'online' else 'offline' }}",
                ],
            ],
            "device": [
                "identifiers": ["vigil_\(cameraID)"], "name": camera, "manufacturer": "Vigil", "model": "vigil watch",
                "sw_version": version,
            ],
            "origin": ["name": "vigil", "sw_version": version],
        ]
        if let deviceClass = deviceClass(label: label) { config["device_class"] = deviceClass }
        // Only strings, arrays and dictionaries: serialisation cannot fail.
        return (try? JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}

/// The topics vigil publishes under a prefix.
public struct MQTTTopics: Sendable, Equatable {
    public let prefix: String

    /// Topics under `prefix` (e.g. `vigil`).
    public init(prefix: String) { self.prefix = prefix }

    /// Every start/update/end line, as on stdout (QoS 1, not retained).
    public var events: String { "\(prefix)/events" }
    /// `online` while vigil runs; `offline` on a clean shutdown, or as the last will (retained).
    public var available: String { "\(prefix)/available" }
    /// `online` / `offline` / `reconnecting` (retained).
    public func status(camera: String) -> String { "\(prefix)/\(TopicName.level(camera))/status" }
    /// `ON` while an event for the label is open, else `OFF` (retained).
    public func label(camera: String, label: String) -> String {
        "\(prefix)/\(TopicName.level(camera))/\(TopicName.level(label))"
    }
    /// The JPEG of the label's latest event start, with `--clips` (retained; as Frigate publishes it).
    public func snapshot(camera: String, label: String) -> String { self.label(camera: camera, label: label) + "/snapshot" }
}
