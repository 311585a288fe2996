// Webhook sinks against a real HTTP server on 127.0.0.1 (tools/webhook_receiver.py, Python's http.server):
// retried through 5xx answers, delivered once and in order; a server that never answers stalls nothing.
import Foundation
import Sinks
import Stream
import Testing

/// tools/webhook_receiver.py on a free port, returned once it listens; its stdout lines are the bodies it accepted.
func webhookReceiver(port: Int, arguments: [String] = []) throws -> ChildProcess {
    let script = repositoryRoot.appendingPathComponent("tools/webhook_receiver.py").path
    let receiver = try ChildProcess("/usr/bin/python3", [script, "--port", "\(port)"] + arguments)
    guard receiver.waitForLines(timeoutSeconds: 15, { $0.first == "ready" }) else {
        throw HarnessError("the webhook receiver on port \(port) did not start")
    }
    return receiver
}

@Suite(.serialized) struct WebhookTests {
    @Test func startAndEndArePostedOnceInOrderThroughThreeServerErrors() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let receiver = try webhookReceiver(port: port, arguments: ["--fail", "3"])
        let clip = try fixture.clip(seconds: 6)
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--events", "stdout,http://127.0.0.1:\(port)/hook"]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        let posted = vigil.lines.filter { $0.contains("\"type\":\"start\"") || $0.contains("\"type\":\"end\"") }
        #expect(posted.count == 2)
        #expect(receiver.waitForLines(timeoutSeconds: 5) { $0.count == 1 + posted.count })
        #expect(Array(receiver.lines.dropFirst()) == posted)  // once each, in order, exactly as on stdout
    }

    @Test func thePipelinesEventsListChoosesTheSinksUnlessEventsIsGiven() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let receiver = try webhookReceiver(port: port)
        let clip = try fixture.clip(seconds: 4)
        let pipeline = fixture.folder.appendingPathComponent("sinks.yaml")
        try "events: [\"http://127.0.0.1:\(port)/hook\"]\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let fromFile = try ChildProcess(vigilBinary.path, fixture.watchArguments([clip.path], ["--pipeline", pipeline.path]))
        #expect(fromFile.waitForExit(timeoutSeconds: 60) == 0)
        #expect(fromFile.lines.isEmpty)  // stdout is not in the list
        #expect(receiver.waitForLines(timeoutSeconds: 5) { $0.count == 3 })  // ready, start, end
        let overridden = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--pipeline", pipeline.path, "--events", "stdout"]))
        #expect(overridden.waitForExit(timeoutSeconds: 60) == 0)
        #expect(!overridden.lines.isEmpty)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(receiver.lines.count == 3)
    }

    @Test func updatesArePostedWhenAsked() throws {
        let sinkPhases = try SinkPlan.phases("start,end,update")
        #expect(sinkPhases == [.start, .end, .update])
        #expect(throws: SinkError.self) { try SinkPlan.phases("start,finish") }
    }

    @Test func aServerThatNeverAnswersStallsNothingAndDropsAreCounted() throws {
        let port = freePort()
        let receiver = try webhookReceiver(port: port, arguments: ["--hang"])
        let address = try #require({ if case .webhook(let hook) = try SinkAddress(parsing: "http://127.0.0.1:\(port)/") { hook } else { nil } }())
        let sink = try WebhookSink(address: address, queueCapacity: 5, timeoutSeconds: 1)
        try sink.send(MQTTDeliveryTests.events(0..<1))
        Thread.sleep(forTimeInterval: 0.3)  // the sink's thread has taken it and waits for the server
        let began = Date()
        try sink.send(MQTTDeliveryTests.events(1..<20))
        #expect(Date().timeIntervalSince(began) < 0.5)  // send only queues
        // The first event is being tried (and retried); 5 wait; the 14 oldest of the rest were dropped.
        #expect(sink.counters == SinkCounters(delivered: 0, queued: 6, dropped: 14))
        let closing = Date()
        sink.close(within: 1)
        #expect(Date().timeIntervalSince(closing) < 2)
        #expect(receiver.lines == ["ready"])
    }

    @Test func aHangingWebhookLeavesStdoutAndExitAlone() throws {
        let fixture = try WatchFixture()
        let port = freePort()
        let receiver = try webhookReceiver(port: port, arguments: ["--hang"])
        let clip = try fixture.clip(seconds: 6)
        let began = Date()
        let vigil = try ChildProcess(
            vigilBinary.path, fixture.watchArguments([clip.path], ["--events", "stdout,http://127.0.0.1:\(port)/hook"]))
        #expect(vigil.waitForExit(timeoutSeconds: 60) == 0)
        #expect(Date().timeIntervalSince(began) < 30)  // the file, plus at most the 5 s close
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(log.of(type: "end").count == 1)
        _ = receiver
    }
}
