// Clips and snapshots from encoded packets: the pre-roll ring, stream-copy remuxing, JPEG snapshots, on real files.
import Foundation
import Media
import Testing

/// A source read once through a `MediaReader` with a packet observer: every packet, and every frame by pts.
private struct ReadSource {
    var packets: [EncodedPacket] = []
    var frames: [(pts: Double, frame: VideoFrame)] = []
    var streams: PacketStreams

    /// `audio`: read the sound too (by default when the source has some).
    init(_ path: String, audio: Bool? = nil) throws {
        let source = try MediaSource(url: path)
        let reader = try source.reader(ReadRequest(video: true, audio: audio ?? (source.info.audioStream != nil)))
        streams = try reader.packetStreams()
        var collected: [EncodedPacket] = []
        reader.packetObserver = { collected.append($0) }
        while let item = try reader.next() {
            if case .video(let frame) = item { frames.append((frame.pts, frame)) }
        }
        packets = collected
    }

    /// The frame shown at `pts` (nearest).
    func frame(at pts: Double) -> VideoFrame? {
        frames.min { abs($0.pts - pts) < abs($1.pts - pts) }?.frame
    }

    /// The video keyframes' pts, ascending.
    var keyframes: [Double] { packets.filter { $0.isVideo && $0.isKeyframe }.map(\.pts).sorted() }
}

/// Writes a clip the way a camera does: the ring's packets from the keyframe at or before `from`, then packets
/// until a video packet at or after `to` has been written.
private func recordClip(_ read: ReadSource, from: Double, to: Double, base: String) throws -> (ClipRecorder, String) {
    let ring = PacketRing(seconds: 1_000, maxBytes: 1 << 30)
    let recorder = try ClipRecorder(base: base, streams: read.streams)
    var recording = false
    for packet in read.packets {
        ring.append(packet)
        if !recording, packet.isVideo, packet.pts >= from + 3 {  // the event "fires" 3 s after its start
            recording = true
            for old in ring.packets(fromKeyframeAtOrBefore: from) { try recorder.write(old) }
            continue
        }
        if recording {
            try recorder.write(packet)
            if recorder.endPTS >= to { break }
        }
    }
    let path = try #require(try recorder.finish())
    return (recorder, path)
}

private func probe(_ arguments: [String]) throws -> [String: Any] {
    let result = try TestMedia.run("/usr/bin/ffprobe", ["-v", "error", "-of", "json"] + arguments)
    #expect(result.status == 0, "ffprobe: \(result.stderr)")
    return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
}

/// `ffmpeg -v error -i PATH -f null -` prints nothing and exits 0.
private func decodesCleanly(_ path: String) throws -> Bool {
    let result = try TestMedia.run("/usr/bin/ffmpeg", ["-hide_banner", "-v", "error", "-i", path, "-f", "null", "-"])
    return result.status == 0 && result.stderr.isEmpty
}

private func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    guard a.count == b.count, !a.isEmpty else { return .infinity }
    return Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
}

/// Checks a clip of `read` recorded for [from, to]: starts on the last keyframe ≤ from, lasts to ≥ to, decodes
/// cleanly, keeps audio when the source has it, and its first frame is bit-identical to the source's.
private func checkClip(_ read: ReadSource, name: String, from: Double, to: Double,
                       container: ClipRecorder.Container) throws {
    let base = TestMedia.directory.appendingPathComponent("clip-\(name)-\(UUID().uuidString)").path
    let (recorder, path) = try recordClip(read, from: from, to: to, base: base)
    #expect(recorder.container == container)
    #expect(path.hasSuffix(".\(container.fileExtension)"))
    #expect(!FileManager.default.fileExists(atPath: recorder.temporaryPath))
    let start = try #require(recorder.startPTS)
    #expect(start == read.keyframes.last { $0 <= from + 1e-9 })
    // The first packet is a keyframe; the video lasts from that keyframe to at least `to`.
    let packets = try probe(["-select_streams", "v:0", "-show_packets", "-show_entries", "packet=flags,pts_time", path])
    let list = try #require(packets["packets"] as? [[String: Any]])
    #expect((list.first?["flags"] as? String)?.hasPrefix("K") == true)
    let times = list.compactMap { ($0["pts_time"] as? String).flatMap(Double.init) }
    let span = (times.max() ?? 0) - (times.min() ?? 0)
    #expect(span >= to - start - 0.1, "clip spans \(span) s, needs \(to - start) s")
    #expect(try decodesCleanly(path))
    let streams = try probe(["-show_entries", "stream=codec_type", path])["streams"] as? [[String: Any]] ?? []
    let hasAudio = streams.contains { $0["codec_type"] as? String == "audio" }
    #expect(hasAudio == (read.streams.audio != nil))
    // Stream copy: the clip's first frame is the source's frame at the keyframe, bit for bit.
    let clip = try MediaSource(url: path).reader(ReadRequest(video: true))
    guard case .video(let first)? = try clip.next() else { throw TestFailure("no frame in \(path)") }
    #expect(first.rgb == read.frame(at: start)?.rgb)
    if container == .mp4 {  // faststart: the index comes before the media data
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let moov = try #require(bytes.range(of: Data("moov".utf8)))
        let mdat = try #require(bytes.range(of: Data("mdat".utf8)))
        #expect(moov.lowerBound < mdat.lowerBound)
    }
}

/// H.264, 2 s GOP with B-frames, AAC sound, MPEG-TS (as a camera sends it).
private func h264WithSound() throws -> String {
    try TestMedia.make("clip-h264-aac.ts", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=12",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=16000:duration=12",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-bf", "2",
        "-pix_fmt", "yuv420p", "-c:a", "aac"])
}

@Test func h264ClipStartsOnTheKeyframeBeforeThePreRollAndKeepsSound() throws {
    let read = try ReadSource(try h264WithSound())
    let first = try #require(read.keyframes.first)
    try checkClip(read, name: "h264", from: first + 3.1, to: first + 8.2, container: .mp4)
}

@Test func hevcClipIsRemuxedIntoMP4() throws {
    let path = try TestMedia.make("clip-hevc.mkv", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=10",
        "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=50:min-keyint=50:log-level=error",
        "-pix_fmt", "yuv420p"])
    let read = try ReadSource(path)
    #expect(read.streams.video.codecName == "hevc")
    let first = try #require(read.keyframes.first)
    try checkClip(read, name: "hevc", from: first + 2.5, to: first + 6, container: .mp4)
}

@Test func mjpegClipIsRemuxedIntoMP4() throws {
    let path = try TestMedia.make("clip-mjpeg.avi", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=6",
        "-c:v", "mjpeg", "-q:v", "5"])
    let read = try ReadSource(path)
    try checkClip(read, name: "mjpeg", from: 1.55, to: 4, container: .mp4)
}

@Test func soundNeitherMP4NorMPEGTSCanHoldGoesToMatroska() throws {
    let path = try TestMedia.make("clip-h264-mulaw.mkv", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=8",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000:duration=8",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "pcm_mulaw"])
    let read = try ReadSource(path)
    #expect(ClipRecorder.container(for: read.streams) == .matroska)
    try checkClip(read, name: "mulaw", from: 2.5, to: 6, container: .matroska)
}

@Test func snapshotIsTheFrameAtItsPTSAtSourceResolution() throws {
    let read = try ReadSource(try h264WithSound())
    let target = read.frames[137].pts
    let ring = PacketRing(seconds: 5, maxBytes: 1 << 30)
    for packet in read.packets {
        ring.append(packet)
        if packet.isVideo && packet.pts > target + 1.5 { break }  // the start line comes a little later
    }
    let path = TestMedia.directory.appendingPathComponent("snapshot-\(UUID().uuidString).jpg").path
    let written = try JPEGSnapshot.write(ring.packets(fromKeyframeAtOrBefore: target), video: read.streams.video,
                                         at: target, to: path)
    #expect(abs(written - target) < 1e-6)
    let decoded = try MediaSource(url: path).reader(ReadRequest(video: true))
    guard case .video(let picture)? = try decoded.next() else { throw TestFailure("snapshot does not decode") }
    #expect(picture.width == 160 && picture.height == 120)
    let same = meanDifference(picture.rgb, read.frames[137].frame.rgb)
    let later = meanDifference(picture.rgb, read.frames[140].frame.rgb)
    #expect(same < 3, "JPEG differs from its frame by \(same) per channel")
    #expect(same < later / 2, "snapshot is no closer to frame 137 (\(same)) than to frame 140 (\(later))")
}

@Test func ringKeepsItsSecondsFromAKeyframeAndCountsByteDrops() throws {
    let read = try ReadSource(try h264WithSound())
    let timed = PacketRing(seconds: 3, maxBytes: 1 << 30)
    for packet in read.packets { timed.append(packet) }
    let first = try #require(timed.packets.first)
    #expect(first.isVideo && first.isKeyframe)
    let newest = try #require(timed.newestPTS)
    #expect(newest - first.pts >= 3 && newest - first.pts < 3 + 2.01)  // 3 s plus at most one 2 s GOP
    #expect(timed.droppedPackets == 0)
    #expect(timed.byteCount == timed.packets.reduce(0) { $0 + $1.size })

    let keyIndices = read.packets.indices.filter { read.packets[$0].isVideo && read.packets[$0].isKeyframe }
    let gopBytes = read.packets[..<(keyIndices.dropFirst().first ?? read.packets.count)].reduce(0) { $0 + $1.size }
    let tight = PacketRing(seconds: 1_000, maxBytes: max(gopBytes * 3 / 2, 1))
    for packet in read.packets {
        tight.append(packet)
        #expect(tight.byteCount <= tight.maxBytes)
        #expect(tight.packets.first.map { $0.isVideo && $0.isKeyframe } ?? true)
    }
    #expect(tight.droppedPackets > 0)
}

/// Clips of several MiB: their middle goes to the disk in whole 1 MiB blocks (O_DIRECT where the filesystem takes
/// it), the partial block and the trailer through the page cache; MP4's faststart then reads the file back by name.
/// Both containers that seek back at the end must come out whole.
@Test func clipsOfSeveralBlocksAreWrittenWhole() throws {
    let path = try TestMedia.make("clip-h264-noisy.mkv", ["-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25:duration=8,noise=alls=40:allf=t+u",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000:duration=8",
        "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "pcm_mulaw"])
    let read = try ReadSource(path)
    let bytes = read.packets.filter(\.isVideo).reduce(0) { $0 + $1.size }
    #expect(bytes > 4 << 20, "the source holds \(bytes) bytes of video: too few to fill several blocks")
    try checkClip(read, name: "large-mulaw", from: 1.5, to: 6.5, container: .matroska)
    let videoOnly = try ReadSource(path, audio: false)  // G.711 cannot go in MP4: the video alone can
    try checkClip(videoOnly, name: "large", from: 1.5, to: 6.5, container: .mp4)
}
