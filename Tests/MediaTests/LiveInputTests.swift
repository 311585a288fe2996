// Live inputs: timeouts through the interrupt callback and protocol options, abort from another thread, rate thinning.
import Foundation
import Media
import Testing

private func port(_ offset: Int) -> Int { 20_000 + Int(getpid() % 20_000) + offset }

@Test func rateThinningKeepsTheFirstFrameOfEachSecond() throws {
    let reader = try MediaSource(url: TestMedia.samples.appendingPathComponent("sample.mp4").path)
        .reader(ReadRequest(size: FrameSize(width: 32, height: 24), framesPerSecond: 1))
    var kept: [VideoFrame] = []
    while let item = try reader.next() {
        if case .video(let frame) = item { kept.append(frame) }
    }
    #expect(kept.map(\.index) == [0, 25, 50, 75])
    #expect(kept.map(\.pts) == [0, 1, 2, 3])
    #expect(kept.allSatisfy { $0.width == 32 && $0.height == 24 && $0.rgb.count == 32 * 24 * 3 })
    #expect(reader.decodedFrames == 100)
}

@Test func skippingNonReferenceFramesStillFillsEverySlot() throws {
    let reader = try MediaSource(url: TestMedia.h264LongGOP())
        .reader(ReadRequest(framesPerSecond: 2, skipNonReference: true))
    var slots: [Int] = []
    while let item = try reader.next() {
        if case .video(let frame) = item { slots.append(Int(frame.pts * 2)) }
    }
    #expect(slots == Array(0..<24))
    #expect(reader.decodedFrames < 300)  // the non-reference B-frames were never decoded
}

@Test func silentUDPInputTimesOut() throws {
    let start = Date()
    let error = #expect(throws: MediaError.self) {
        try MediaSource(url: "udp://127.0.0.1:\(port(1))", options: MediaOptions(openTimeout: 1, readTimeout: 1))
    }
    #expect(error?.kind == .unavailable)
    #expect(error?.errorCode == 69)
    #expect(Date().timeIntervalSince(start) < 8)
}

@Test func abortFromAnotherThreadEndsABlockedOpen() throws {
    let handle = MediaAbortHandle()
    let start = Date()
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { handle.abort() }
    let error = #expect(throws: MediaError.self) {
        try MediaSource(url: "udp://127.0.0.1:\(port(2))", options: MediaOptions(openTimeout: nil, readTimeout: nil),
                        abortHandle: handle)
    }
    #expect(error?.reason.contains("aborted") == true)
    #expect(Date().timeIntervalSince(start) < 5)
}

/// A live MPEG-TS stream over HTTP from `ffmpeg -listen 1` (one client), 25 fps in real time.
private func startHTTPServer(_ port: Int) throws -> Process {
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    server.arguments = ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
                        "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-f", "mpegts", "-listen", "1",
                        "http://127.0.0.1:\(port)"]
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
    try server.run()
    return server
}

/// Opens `url`, retrying while the server is still starting.
private func openWhenReady(_ url: String, _ options: MediaOptions) throws -> MediaSource {
    for _ in 0..<50 {
        if let source = try? MediaSource(url: url, options: options) { return source }
        Thread.sleep(forTimeInterval: 0.2)
    }
    return try MediaSource(url: url, options: options)
}

@Test func liveHTTPStreamAtOneFrameASecondThenAFrozenServerTimesOut() throws {
    let server = try startHTTPServer(port(3))
    defer { kill(server.processIdentifier, SIGCONT); server.terminate(); server.waitUntilExit() }
    let source = try openWhenReady("http://127.0.0.1:\(port(3))", MediaOptions(openTimeout: 5, readTimeout: 1))
    let reader = try source.reader(ReadRequest(size: FrameSize(width: 16, height: 16), framesPerSecond: 1))
    var pts: [Double] = []
    while pts.count < 3, let item = try reader.next() {
        if case .video(let frame) = item { pts.append(frame.pts) }
    }
    #expect(pts.count == 3)
    #expect(zip(pts.dropFirst(), pts).allSatisfy { abs($0 - $1 - 1) < 0.05 })
    kill(server.processIdentifier, SIGSTOP)
    let start = Date()
    let error = #expect(throws: MediaError.self) {
        while try reader.next() != nil {}
    }
    #expect(error?.kind == .unavailable)
    #expect(Date().timeIntervalSince(start) < 8)
}

@Test func abortEndsALiveReaderFromAnotherThread() throws {
    let server = try startHTTPServer(port(4))
    defer { server.terminate(); server.waitUntilExit() }
    let source = try openWhenReady("http://127.0.0.1:\(port(4))", MediaOptions(openTimeout: 5, readTimeout: nil))
    let reader = try source.reader(ReadRequest(framesPerSecond: 5))
    _ = try reader.next()
    let handle = source.abortHandle
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { handle.abort() }
    let start = Date()
    while try reader.next() != nil {}
    #expect(handle.isAborted)
    #expect(Date().timeIntervalSince(start) < 3)
}

@Test func rtspOverTCPYieldsFramesInOrderUntilAborted() throws {
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    server.arguments = [TestMedia.samples.appendingPathComponent("../../tools/rtsp_server.py").standardized.path,
                        "--port", "\(port(5))", "--mount", "/cam"]
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }  // its GLib loop ignores SIGTERM
    let source = try openWhenReady("rtsp://127.0.0.1:\(port(5))/cam", MediaOptions(openTimeout: 5, readTimeout: 5))
    #expect(source.info.container == "rtsp" && source.info.streams.first?.codec == "h264")
    let reader = try source.reader(ReadRequest(size: FrameSize(width: 32, height: 32), framesPerSecond: 2))
    var pts: [Double] = []
    while pts.count < 4, let item = try reader.next() {
        if case .video(let frame) = item { pts.append(frame.pts) }
    }
    #expect(pts.count == 4 && zip(pts.dropFirst(), pts).allSatisfy { $0 - $1 > 0.3 && $0 - $1 < 0.7 }, "\(pts)")
    source.abortHandle.abort()
    #expect(try reader.next() == nil)
}
