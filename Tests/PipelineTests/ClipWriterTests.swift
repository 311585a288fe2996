// The clip writer's bounded mailbox on a disk that stalls: a FIFO stands in for the clip file, so the writer blocks
// opening it (as on a hung disk) until the test reads it; the packets sent meanwhile overflow the mailbox.
import Foundation
import Media
import Testing

@testable import Pipeline

private func runTool(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    process.arguments = ["-hide_banner", "-v", "error"] + arguments
    let err = Pipe()
    process.standardError = err
    try process.run()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
}

@Suite struct ClipWriterTests {
    @Test func aStalledDiskDropsTheOldestJobsAndTheClipEndsCleanlyAtTheLastPacketBeforeTheGap() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-clipwriter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // H.264 with G.711 sound: the clip is Matroska, which (unlike MP4's index at the front) can go to a FIFO.
        let source = folder.appendingPathComponent("source.mkv").path
        let made = try runTool(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-f", "lavfi", "-i",
                                "sine=frequency=440:sample_rate=8000", "-t", "4", "-c:v", "libx264", "-g", "10", "-bf", "0",
                                "-pix_fmt", "yuv420p", "-c:a", "pcm_mulaw", source])
        #expect(made.status == 0, "\(made.stderr)")
        let reader = try MediaSource(url: source).reader(ReadRequest(video: true, audio: true))
        let streams = try reader.packetStreams()
        var packets: [EncodedPacket] = []
        reader.packetObserver = { packets.append($0) }
        while try reader.next() != nil {}
        let secondKeyframe = try #require(packets.indices.filter { packets[$0].isVideo && packets[$0].isKeyframe }.dropFirst().first)
        let preRoll = Array(packets[..<secondKeyframe])  // the first GOP: 1 s of video and its sound
        let later = Array(packets[secondKeyframe...].prefix(40))
        #expect(later.count == 40)

        let recording = ClipWriter.Recording(base: folder.appendingPathComponent("cam-1").path, streams: streams)
        #expect(recording.path.hasSuffix("/cam-1.mkv"))
        #expect(mkfifo(recording.path + ".part", 0o600) == 0)
        let outcomes = OutcomeLog()
        let writer = ClipWriter(capacity: 8, waitForRoom: false, folder: try ClipFolder.named(folder.path, maxBytes: nil)) {
            outcomes.append($1)
        }
        writer.put(ClipWriter.Job(recording: recording, sequence: 0, work: .open(preRoll)))
        Thread.sleep(forTimeInterval: 1)  // the writer has taken the `open` and blocks opening the FIFO
        for (index, packet) in later.enumerated() {
            writer.put(ClipWriter.Job(recording: recording, sequence: index + 1, work: .packet(packet)))
        }
        writer.put(ClipWriter.Job(recording: recording, sequence: later.count + 1, work: .finish))
        #expect(writer.droppedJobs == later.count + 1 - 8)  // the mailbox kept the newest 8

        let drained = folder.appendingPathComponent("drained.mkv")
        let reading = Thread { try? FileHandle(forReadingAtPath: recording.path + ".part")?.readToEnd()?.write(to: drained) }
        reading.start()
        #expect(writer.close(timeoutSeconds: 20))
        let outcome = try #require(outcomes.all.first)
        guard case .cut(let dropped, let seconds) = outcome else {
            Issue.record("expected a cut clip, got \(outcome)")
            return
        }
        #expect(dropped == later.count + 1 - 8)  // jobs 1…33 lost: the writer finished at the pre-roll's end
        #expect(abs(seconds - 0.9) < 0.05)  // the first GOP: frames 0…9 at 10 fps
        #expect(outcomes.all.count == 1)  // nothing more for that recording
        #expect(FileManager.default.fileExists(atPath: recording.path))  // renamed (here: the FIFO itself)
        let deadline = Date(timeIntervalSinceNow: 10)
        while !FileManager.default.fileExists(atPath: drained.path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let played = try runTool(["-i", drained.path, "-f", "null", "-"])
        #expect(played.status == 0 && played.stderr.isEmpty, "\(played.stderr)")
    }
}

/// The writer's outcomes, told on its thread.
private final class OutcomeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [ClipWriter.Outcome] = []
    func append(_ outcome: ClipWriter.Outcome) { lock.withLock { outcomes.append(outcome) } }
    var all: [ClipWriter.Outcome] { lock.withLock { outcomes } }
}
