// The EventSink seam without FFmpeg: the stdout sink's counters, a fan-out that serves every sink even when one fails,
// and the one JSON line writer every command prints through (a closed or full output is an error, not a crash).
import Foundation
import Models
import Testing

@testable import Stream

private func status(_ reason: String) -> Event { .status(StatusEvent(camera: "c", state: .online, reason: reason)) }

/// A pipe whose read end is drained into `text` once the write end is closed.
private final class PipeCapture: @unchecked Sendable {
    let writeEnd: Int32
    private let readEnd: FileHandle
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        writeEnd = fds[1]
        readEnd = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        Thread.detachNewThread { [self] in
            data = readEnd.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Closes the write end and returns every line written.
    func lines() -> [String] {
        close(writeEnd)
        done.wait()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

@Suite struct EventSinkTests {
    @Test func theStdoutSinkCountsWhatItWroteAndSkipsWindowsWhenAsked() throws {
        let capture = PipeCapture()
        let sink: any EventSink = EventWriter(descriptor: capture.writeEnd, writesWindows: false)
        let window = Event.window(
            WindowEvent(
                camera: "c", startPts: 0, endPts: 1, startTime: 10, endTime: 11, frames: 4,
                topK: [ClassScore(classIndex: 3, label: nil, score: 0.5)], latency: 0, droppedWindows: 0))
        try sink.send([status("a"), window, status("b")])
        sink.close(within: 1)
        #expect(sink.name == "stdout")
        #expect(sink.counters == SinkCounters(delivered: 2))
        #expect(capture.lines() == [
            #"{"camera":"c","reason":"a","state":"online","type":"status"}"#,
            #"{"camera":"c","reason":"b","state":"online","type":"status"}"#,
        ])
    }

    @Test func aFanOutServesEverySinkAndThenReportsTheFirstFailure() throws {
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])  // nobody reads the first sink: EPIPE
        let broken = EventWriter(descriptor: fds[1])
        let capture = PipeCapture()
        let working = EventWriter(descriptor: capture.writeEnd)
        let fanOut = EventFanOut([broken, working])
        #expect(fanOut.name == "stdout,stdout")
        #expect(throws: StreamError.write("Broken pipe")) { try fanOut.send(status("x")) }
        #expect(fanOut.counters.delivered == 1)
        close(fds[1])
        #expect(capture.lines() == [#"{"camera":"c","reason":"x","state":"online","type":"status"}"#])
    }

    @Test func aClassWithoutANamePrintsLabelNullInWindowsAndLifecycleLines() throws {
        let capture = PipeCapture()
        let writer = JSONLineWriter(descriptor: capture.writeEnd)
        try writer.write(ClassScore(classIndex: 7, label: nil, score: 0.25))
        try writer.write(
            Event.lifecycle(
                LifecycleEvent(
                    phase: .start, id: "1", camera: "c", label: nil, classIndex: 7, score: 0.9, topScore: 0.9,
                    startTime: 1, endTime: nil, reason: nil)))
        #expect(capture.lines() == [
            #"{"class":7,"label":null,"score":0.25}"#,
            #"{"camera":"c","class":7,"end_time":null,"id":"1","label":null,"score":0.9,"start_time":1,"top_score":0.9,"type":"start"}"#,
        ])
    }

    @Test func theLineWriterReportsAFullDiskAsAnIOError() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        defer { close(full) }
        let writer = JSONLineWriter(descriptor: full)
        #expect(throws: StreamError.write(String(cString: strerror(ENOSPC)))) { try writer.write(["a": 1]) }
        #expect(StreamError.write("").errorCode == 74)
    }
}
