// `vigil watch --events stdout,mqtt://…` against real mosquitto brokers on 127.0.0.1 (plain, password, TLS),
// checked with mosquitto_sub: topics, retained state, the last will, Home Assistant discovery, bad input.
import Foundation
import Testing

@Suite(.serialized) struct MQTTWatchTests {
    @Test func aFileCameraPublishesEventsStateAndDiscoveryThenGoesOffline() throws {
        let fixture = try WatchFixture()
        let broker = try MosquittoBroker()
        let clip = try fixture.clip(seconds: 8)
        let subscriber = try broker.subscribe("vigil/#")
        let vigil = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments([clip.path], ["--events", "stdout,mqtt://127.0.0.1:\(broker.port)", "--ha-discovery"]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        Thread.sleep(forTimeInterval: 0.5)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        let lifecycle = vigil.lines.filter { line in ["start", "update", "end"].contains { line.contains("\"type\":\"\($0)\"") } }
        #expect(lifecycle.count >= 2)
        let received = subscriber.lines.compactMap(ReceivedMessage.init)
        // Every start/update/end line, exactly as on stdout, in order; nothing else on vigil/events.
        #expect(received.filter { $0.topic == "vigil/events" }.map(\.payload) == lifecycle)
        let camera = TopicLevel.of(clip.path)
        #expect(received.filter { $0.topic == "vigil/\(camera)/always" }.map(\.payload) == ["OFF", "ON", "OFF"])
        #expect(received.filter { $0.topic == "vigil/\(camera)/status" }.map(\.payload) == ["offline", "online", "offline"])
        #expect(received.filter { $0.topic == "vigil/available" }.map(\.payload) == ["online", "offline"])
        // What a newcomer sees: retained state, and the discovery configs.
        let retained = try broker.retained("#")
        #expect(retained["vigil/available"] == "offline")
        #expect(retained["vigil/\(camera)/always"] == "OFF")
        #expect(retained["vigil/\(camera)/never"] == "OFF")
        #expect(retained["vigil/\(camera)/status"] == "offline")
        #expect(retained["vigil/events"] == nil)  // events are not retained
        let id = TopicLevel.identifier(clip.path)
        let config = try JSONValue.parse(try #require(retained["homeassistant/binary_sensor/vigil_\(id)/always/config"]))
        // Home Assistant's documented keys for an MQTT binary_sensor with a device and availability.
        #expect(config["state_topic"]?.string == "vigil/\(camera)/always")
        #expect(config["payload_on"]?.string == "ON")
        #expect(config["payload_off"]?.string == "OFF")
        #expect(config["unique_id"]?.string == "vigil_\(id)_always")
        #expect(config["name"]?.string == "always")
        #expect(config["device_class"] == nil)  // "always" is no motion/sound/tamper/light label
        #expect(config["availability_mode"]?.string == "all")
        #expect(config["availability"]?[0]?["topic"]?.string == "vigil/available")
        #expect(config["availability"]?[1]?["topic"]?.string == "vigil/\(camera)/status")
        #expect(config["device"]?["identifiers"]?[0]?.string == "vigil_\(id)")
        #expect(config["device"]?["name"]?.string == clip.path)
        #expect(retained.keys.filter { $0.hasPrefix("homeassistant/") }.count == 3)

        // `--ha-discovery remove` empties the retained configs (Home Assistant then removes the sensors).
        let remover = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments([clip.path], ["--events", "mqtt://127.0.0.1:\(broker.port)", "--ha-discovery", "remove"]))
        #expect(remover.waitForExit(timeoutSeconds: 60) == 0)
        #expect(remover.lines.isEmpty)  // no stdout in --events: nothing printed
        #expect(try broker.retained("homeassistant/#").isEmpty)
    }

    @Test func discoveryDeviceClassesFollowTheLabel() throws {
        let fixture = try WatchFixture()
        let broker = try MosquittoBroker()
        let clip = try fixture.clip(seconds: 2)
        let labels = fixture.folder.appendingPathComponent("home.labels.txt")
        try "motion\nloud_sound\ncamera_tamper\n".write(to: labels, atomically: true, encoding: .utf8)
        let vigil = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments([clip.path], ["--labels", labels.path, "--events", "mqtt://127.0.0.1:\(broker.port)/home/cams", "--ha-discovery"]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let retained = try broker.retained("homeassistant/#")
        let id = TopicLevel.identifier(clip.path)
        var classes: [String: String] = [:]
        for label in ["motion", "loud_sound", "camera_tamper"] {
            let config = try JSONValue.parse(try #require(retained["homeassistant/binary_sensor/vigil_\(id)/\(label)/config"]))
            classes[label] = config["device_class"]?.string
            #expect(config["state_topic"]?.string == "home/cams/\(TopicLevel.of(clip.path))/\(label)")
        }
        #expect(classes == ["motion": "motion", "loud_sound": "sound", "camera_tamper": "tamper"])
    }

    @Test func killedVigilLeavesItsLastWillAndABrokerStartedLaterGetsEverything() throws {
        let fixture = try WatchFixture()
        let port = freePort(udp: true)
        let brokerPort = freePort()
        let sender = try udpSender(port: port)
        let stderr = fixture.folder.appendingPathComponent("stderr.txt")
        let vigil = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments(["udp://127.0.0.1:\(port)"], ["--events", "stdout,mqtt://127.0.0.1:\(brokerPort)"]),
            stderrFile: stderr)
        // No broker yet: stdout goes on regardless, and stderr says the broker cannot be reached.
        #expect(vigil.waitForEvent("start", timeoutSeconds: 20))
        #expect(try String(contentsOf: stderr, encoding: .utf8).contains("vigil: mqtt: cannot reach mqtt://127.0.0.1:\(brokerPort)/vigil yet"))
        let broker = try MosquittoBroker(port: brokerPort)
        let available = try broker.subscribe("vigil/available")
        #expect(available.waitForLines(timeoutSeconds: 40) { $0.last?.hasSuffix(" vigil/available online") == true })
        // The state reached while the broker was away arrives once it is up.
        let camera = TopicLevel.of("udp://127.0.0.1:\(port)")
        #expect(try broker.retained("vigil/\(camera)/#") == ["vigil/\(camera)/always": "ON", "vigil/\(camera)/never": "OFF",
                                                            "vigil/\(camera)/maybe": "OFF", "vigil/\(camera)/status": "online"])
        vigil.send(SIGKILL)
        #expect(available.waitForLines(timeoutSeconds: 10) { $0.last == "0 vigil/available offline" })  // the will
        _ = sender
    }

    @Test func passwordsWorkFromTheEnvironmentOrAFileAndAWrongOneExits69WithoutShowingIt() throws {
        let fixture = try WatchFixture()
        let broker = try MosquittoBroker(user: "cam", password: "s3cret-pass")
        let clip = try fixture.clip(seconds: 2)
        let url = "mqtt://cam@127.0.0.1:\(broker.port)"
        // Wrong password in the URL: one line, exit 69, the password nowhere.
        let wrongErr = fixture.folder.appendingPathComponent("wrong.txt")
        let wrong = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--events", "mqtt://cam:hunter22@127.0.0.1:\(broker.port)"]),
            stderrFile: wrongErr)
        #expect(wrong.waitForExit(timeoutSeconds: 30) == 69)
        let message = try String(contentsOf: wrongErr, encoding: .utf8)
        #expect(message.hasSuffix("vigil: mqtt: broker mqtt://cam@127.0.0.1:\(broker.port)/vigil refused vigil: Connection Refused: not authorised.\n"))
        #expect(!message.contains("hunter22"))
        #expect(wrong.lines.isEmpty)
        // From the environment.
        let fromEnv = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--events", url]), environment: ["VIGIL_MQTT_PASSWORD": "s3cret-pass"])
        #expect(fromEnv.waitForExit(timeoutSeconds: 60) == 0)
        // From a file.
        let file = fixture.folder.appendingPathComponent("mqtt-password")
        try "s3cret-pass\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFileErr = fixture.folder.appendingPathComponent("file.txt")
        let fromFile = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--events", url, "--mqtt-password-file", file.path]),
            stderrFile: fromFileErr)
        #expect(fromFile.waitForExit(timeoutSeconds: 60) == 0)
        #expect(!(try String(contentsOf: fromFileErr, encoding: .utf8)).contains("s3cret"))
        #expect(try broker.retained("vigil/available", extra: ["-u", "cam", "-P", "s3cret-pass"])["vigil/available"] == "offline")
    }

    @Test func mqttsVerifiesTheBrokerAgainstTheGivenCA() throws {
        let fixture = try WatchFixture()
        let broker = try MosquittoBroker(tls: true)
        let clip = try fixture.clip(seconds: 2)
        let vigil = try ChildProcess(
            vigilBinary.path,
            fixture.watchArguments([clip.path], ["--events", "mqtts://127.0.0.1:\(broker.port)", "--mqtt-ca-file", broker.caFile.path]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let retained = try broker.retained("vigil/available", extra: ["--cafile", broker.caFile.path])
        #expect(retained["vigil/available"] == "offline")
        // Without the test CA the system's certificates do not trust the broker: nothing is published.
        let untrustedErr = fixture.folder.appendingPathComponent("untrusted.txt")
        let untrusted = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--events", "stdout,mqtts://127.0.0.1:\(broker.port)/other"]),
            stderrFile: untrustedErr)
        #expect(untrusted.waitForExit(timeoutSeconds: 60) == 0)
        #expect(try String(contentsOf: untrustedErr, encoding: .utf8).contains("cannot reach mqtts://127.0.0.1:\(broker.port)/other yet"))
        #expect(try broker.retained("other/#", extra: ["--cafile", broker.caFile.path]).isEmpty)
    }

    @Test func malformedSinkAddressesExit64() throws {
        let fixture = try WatchFixture()
        for events in ["mqtt://", "ftp://127.0.0.1/x", "stdout,mqtt://127.0.0.1:70000", "mqtt://u:pw@127.0.0.1/a+b"] {
            let err = fixture.folder.appendingPathComponent("err.txt")
            let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments(["/nonexistent.mp4"], ["--events", events]), stderrFile: err)
            #expect(vigil.waitForExit(timeoutSeconds: 30) == 64, "\(events)")
            let message = try String(contentsOf: err, encoding: .utf8)
            #expect(message.hasPrefix("vigil: --events: ") && message.split(separator: "\n").count == 1, "\(message)")
        }
    }
}

/// The test's own copy of the documented topic-safe rules (docs/events.md), to name the topics it expects.
enum TopicLevel {
    static func of(_ name: String) -> String {
        String(name.map { "/+# ".contains($0) ? "_" : $0 })
    }

    static func identifier(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
    }
}
