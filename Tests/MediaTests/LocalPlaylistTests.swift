// Local playlists: segments that are regular files are read; a segment that is a FIFO or a device is refused by name
// instead of blocking in open(2) or reading forever; a playlist naming itself, a live one that stops growing and an
// ffconcat list end with an error, not a hang.
import Foundation
import Testing
@testable import Media

/// A playlist of `segments` (paths relative to the playlist) written next to them in the test folder.
private func playlist(_ name: String, _ segments: [String]) throws -> String {
    let entries = segments.map { "#EXTINF:3.0,\n\($0)\n" }.joined()
    let path = TestMedia.directory.appendingPathComponent(name).path
    try "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n\(entries)#EXT-X-ENDLIST\n"
        .write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func segment() throws -> String {
    try TestMedia.make("segment.ts", ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=3",
                                      "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p"])
}

/// A FIFO in the test folder that nobody writes.
private func unwrittenFIFO() throws -> String {
    let path = TestMedia.directory.appendingPathComponent("unwritten.ts").path
    if LocalFileKind(path: path) == nil { try #require(mkfifo(path, 0o600) == 0) }
    return path
}

@Test func aPlaylistOfRegularSegmentsIsRead() throws {
    _ = try segment()
    let info = try MediaSource(url: try playlist("two.m3u8", ["segment.ts", "segment.ts"])).info
    #expect(info.container == "hls")
    #expect(info.streams.first?.frameCount == 60)
}

@Test(arguments: [["unwritten.ts"], ["segment.ts", "unwritten.ts"]])
func aPlaylistNamingAFIFOIsRefusedNotBlockedOn(_ segments: [String]) throws {
    _ = try segment()
    _ = try unwrittenFIFO()
    let path = try playlist("fifo-\(segments.count).m3u8", segments)
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: path) }
    #expect(error.kind == .malformed)
    #expect(error.reason.hasPrefix("refers to ") && error.reason.hasSuffix(
        "unwritten.ts, which is a named pipe (FIFO), not a regular file"), "\(error.reason)")
}

@Test func aFIFOOrADeviceNamedDirectlyIsRefusedAsNotARegularFile() throws {
    let fifo = try #require(throws: MediaError.self) { _ = try MediaSource(url: try unwrittenFIFO()) }
    #expect(fifo.kind == .missingInput && fifo.reason == "is a named pipe (FIFO), not a regular file")
    let device = try #require(throws: MediaError.self) { _ = try MediaSource(url: "/dev/zero") }
    #expect(device.kind == .missingInput && device.reason == "is a character device, not a regular file")
}

@Test func encryptedAndFileURLPrefixesAreLookedThrough() throws {
    let fifo = try unwrittenFIFO()
    for url in [fifo, "file:\(fifo)", "file://\(fifo)", "crypto+\(fifo)", "crypto:\(fifo)"] {
        #expect(NestedInputGuard.refusal(for: url)?.hasSuffix("which is a named pipe (FIFO), not a regular file") == true, "\(url)")
    }
    #expect(NestedInputGuard.refusal(for: try segment()) == nil)
    #expect(NestedInputGuard.refusal(for: "http://127.0.0.1/segment.ts") == nil)
}

@Test func aMasterPlaylistNamingItselfIsRefusedBeforeItEatsMemory() throws {
    let path = TestMedia.directory.appendingPathComponent("self.m3u8").path
    try "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nself.m3u8\n".write(toFile: path, atomically: true, encoding: .utf8)
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: path) }
    #expect(error.kind == .malformed)
    #expect(error.reason == "opens more than \(FormatContext.openLimit) files before its first packet (a playlist naming itself?)")
}

@Test func aLivePlaylistThatStopsGrowingTimesOut() throws {
    _ = try segment()
    let path = TestMedia.directory.appendingPathComponent("live.m3u8").path  // no #EXT-X-ENDLIST: more may come
    try "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:3.0,\nsegment.ts\n".write(toFile: path, atomically: true, encoding: .utf8)
    let options = MediaOptions(openTimeout: 1, readTimeout: 1)
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: path, options: options) }
    #expect(error.kind == .unavailable)
    #expect(error.reason == "no new segment for 1 s (timed out)")
}

@Test func aLocalDASHManifestIsRefused() throws {
    let directory = TestMedia.directory.appendingPathComponent("dash")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let manifest = directory.appendingPathComponent("stream.mpd").path
    let made = try TestMedia.run("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=64x48:rate=10:duration=2", "-c:v", "libx264", "-g", "10", "-f", "dash", "-seg_duration", "1", manifest])
    try #require(made.status == 0, "\(made.stderr)")
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: manifest) }
    #expect(error.kind == .malformed)
    #expect(error.reason == "is a local DASH manifest, which vigil does not read (serve it over http, or give it the segments)")
}

@Test func anFFconcatListIsRefused() throws {
    _ = try unwrittenFIFO()
    let path = TestMedia.directory.appendingPathComponent("list.ffconcat").path
    try "ffconcat version 1.0\nfile unwritten.ts\n".write(toFile: path, atomically: true, encoding: .utf8)
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: path) }
    #expect(error.kind == .malformed)
    #expect(error.reason == "is an ffconcat list, which vigil does not read (give it the files it names)")
}
