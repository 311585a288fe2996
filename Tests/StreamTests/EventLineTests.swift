// Events as JSON Lines: field names, null end_time, round trips, and one whole line per write.
import Foundation
import Models
import Testing

@testable import Stream

private func line(_ event: Event) throws -> [String: Any] {
    let data = try JSONEncoder().encode(event)
    return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

@Test func lifecycleLinesCarryTheFrigateFieldsAndANullEndTimeUntilTheEnd() throws {
    let start = LifecycleEvent(
        phase: .start, id: "1.000000-abcdef", camera: "front", label: "person", classIndex: 3, score: 0.75,
        topScore: 0.75, startTime: 1_763_900_000.5, endTime: nil, reason: nil)
    let object = try line(.lifecycle(start))
    #expect(Set(object.keys) == ["type", "id", "camera", "label", "class", "score", "top_score", "start_time", "end_time"])
    #expect(object["type"] as? String == "start")
    #expect(object["end_time"] is NSNull)
    #expect(object["start_time"] as? Double == 1_763_900_000.5)
    var end = start
    end.phase = .end
    end.endTime = 1_763_900_010
    end.reason = .shutdown
    let ended = try line(.lifecycle(end))
    #expect(ended["end_time"] as? Double == 1_763_900_010)
    #expect(ended["reason"] as? String == "shutdown")
}

@Test func windowAndStatusLinesRoundTrip() throws {
    let window = Event.window(
        WindowEvent(
            camera: "rtsp://127.0.0.1:8554/cam", startPts: 0, endPts: 9, startTime: 10, endTime: 19, frames: 10,
            topK: [ClassScore(classIndex: 1, label: "car", score: 0.5)], latency: 0.01, droppedWindows: 2))
    let status = Event.status(StatusEvent(camera: "front", state: .reconnecting, reason: "no frames for 20 s"))
    for event in [window, status] {
        let data = try JSONEncoder().encode(event)
        #expect(try JSONDecoder().decode(Event.self, from: data) == event)
    }
    let object = try line(window)
    #expect(object["type"] as? String == "window")
    #expect((object["top_k"] as? [[String: Any]])?.first?["class"] as? Int == 1)
    #expect(object["dropped_windows"] as? Int == 2)
    #expect(try line(status)["state"] as? String == "reconnecting")
}

@Test func writerEmitsOneCompleteLinePerEventFromManyThreads() throws {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    let writer = EventWriter(descriptor: fds[1], writesWindows: false)
    let reader = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
    // The reader runs on its own thread, never on the (possibly blocked) cooperative pool.
    let collected = ResultBox<Data>()
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        collected.value = reader.readDataToEndOfFile()
        done.signal()
    }
    DispatchQueue.concurrentPerform(iterations: 8) { camera in
        for index in 0..<200 {
            try? writer.write(.status(StatusEvent(camera: "cam\(camera)", state: .online, reason: "line \(index)")))
            try? writer.write(
                .window(
                    WindowEvent(
                        camera: "cam\(camera)", startPts: 0, endPts: 1, startTime: 0, endTime: 1, frames: 1, topK: [],
                        latency: 0, droppedWindows: 0)))
        }
    }
    close(fds[1])
    done.wait()
    let lines = String(decoding: try #require(collected.value), as: UTF8.self).split(separator: "\n")
    #expect(lines.count == 8 * 200)  // window lines are off
    for text in lines {
        let event = try JSONDecoder().decode(Event.self, from: Data(text.utf8))
        guard case .status = event else { Issue.record("unexpected \(text)"); continue }
    }
}

@Test func writerReportsAClosedOutputAsAnIOError() throws {
    signal(SIGPIPE, SIG_IGN)
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    close(fds[0])
    let writer = EventWriter(descriptor: fds[1])
    #expect(throws: StreamError.self) {
        try writer.write(.status(StatusEvent(camera: "c", state: .online, reason: "")))
    }
    close(fds[1])
    #expect(StreamError.write("Broken pipe").errorCode == 74)
}

private final class ResultBox<T>: @unchecked Sendable { var value: T? }
