// The MQTT sink against a real mosquitto: every event exactly once across a broker restart, counted drops past
// the queue. Events are made here (a camera would take minutes to produce hundreds); the broker and client are real.
import Foundation
import Sinks
import Stream
import Testing

@Suite(.serialized) struct MQTTDeliveryTests {
    /// `count` start lines numbered by id, as a camera would send them.
    static func events(_ range: Range<Int>) -> [Event] {
        range.map { index in
            .lifecycle(LifecycleEvent(
                phase: .start, id: "event-\(index)", camera: "front door", label: "motion", classIndex: 0, score: 0.9,
                topScore: 0.9, startTime: 1_763_916_030 + Double(index), endTime: nil, reason: nil))
        }
    }

    static func ids(_ subscriber: ChildProcess) -> [String] {
        subscriber.lines.compactMap(ReceivedMessage.init).filter { $0.topic == "vigil/events" }.compactMap {
            (try? JSONValue.parse($0.payload))?["id"]?.string
        }
    }

    @Test func everyEventArrivesExactlyOnceAcrossABrokerRestart() throws {
        let broker = try MosquittoBroker(persistence: true)
        let subscriber = try broker.subscribe("vigil/events", session: "restart-check")
        let sink = try MQTTSink(
            address: MQTTAddress(host: "127.0.0.1", port: broker.port), options: .init(cameras: ["front door"], labels: ["motion"]))
        try sink.send(Self.events(0..<100))
        #expect(subscriber.waitForLines(timeoutSeconds: 10) { $0.count >= 100 })
        broker.stop()
        try sink.send(Self.events(100..<300))  // the broker is away: these wait in the queue
        Thread.sleep(forTimeInterval: 1)
        try broker.start()
        try sink.send(Self.events(300..<400))
        #expect(subscriber.waitForLines(timeoutSeconds: 30) { $0.count >= 400 })
        sink.close(within: 5)
        Thread.sleep(forTimeInterval: 0.5)
        let ids = Self.ids(subscriber)
        #expect(ids == (0..<400).map { "event-\($0)" })
        #expect(sink.counters == SinkCounters(delivered: 400, queued: 0, dropped: 0))
    }

    @Test func pastTheQueueOldestEventsAreDroppedAndCounted() throws {
        let broker = try MosquittoBroker(persistence: true)
        let subscriber = try broker.subscribe("vigil/events", session: "drop-check")
        var options = MQTTSink.Options(cameras: ["front door"], labels: ["motion"])
        options.queueCapacity = 50
        let sink = try MQTTSink(address: MQTTAddress(host: "127.0.0.1", port: broker.port), options: options)
        try sink.send(Self.events(0..<10))
        #expect(subscriber.waitForLines(timeoutSeconds: 10) { $0.count >= 10 })
        broker.stop()
        Thread.sleep(forTimeInterval: 0.5)
        try sink.send(Self.events(10..<130))  // 120 events into a queue of 50: the oldest 70 go
        #expect(sink.counters.dropped == 70)
        try broker.start()
        #expect(subscriber.waitForLines(timeoutSeconds: 30) { $0.count >= 60 })
        sink.close(within: 5)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(Self.ids(subscriber) == (Array(0..<10) + Array(80..<130)).map { "event-\($0)" })
        #expect(sink.counters == SinkCounters(delivered: 60, queued: 0, dropped: 70))
    }

    @Test func retainedStateTopicsAreTopicSafe() throws {
        #expect(TopicName.level("front/door #2+") == "front_door__2_")
        #expect(TopicName.identifier("Front door/é") == "Front_door__")
        let topics = MQTTTopics(prefix: "home/vigil")
        #expect(topics.label(camera: "back yard", label: "loud sound") == "home/vigil/back_yard/loud_sound")
        #expect(topics.status(camera: "a/b") == "home/vigil/a_b/status")
    }

    @Test func sinkAddressesParseAndMalformedOnesAreUsageErrors() throws {
        let parsed = try SinkAddress.list("stdout,mqtts://cam:secret@broker.lan:8884/home/vigil/,https://h.example/x?a=1,2")
        #expect(parsed.count == 3)
        guard case .mqtt(let mqtt) = parsed[1], case .webhook(let hook) = parsed[2] else {
            Issue.record("wrong kinds: \(parsed)")
            return
        }
        #expect(mqtt == MQTTAddress(host: "broker.lan", port: 8884, username: "cam", password: "secret", prefix: "home/vigil", usesTLS: true))
        #expect(!mqtt.description.contains("secret"))
        #expect(hook.url == "https://h.example/x?a=1,2")
        #expect(hook.description == "https://h.example/x")
        for bad in ["mqtt://", "ftp://host", "mqtt://h/pre+fix", "mqtt://h:99999", "nonsense", "stdout,,stdout"] {
            #expect(throws: SinkError.self, "\(bad)") { try SinkAddress.list(bad) }
        }
        do {
            _ = try SinkAddress.list("mqtt://u:hunter2@:1883")
        } catch {
            #expect(!"\(error.localizedDescription)".contains("hunter2"))
        }
    }
}
