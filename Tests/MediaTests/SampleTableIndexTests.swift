// Index-only planning: the index read from an MP4/MOV sample table equals the demux-only pass, or is refused.
import Foundation
import Testing

@testable import Media

/// The sample-table index of `path` (nil when refused) and the demux-pass index.
private func indexes(_ path: String) throws -> (table: VideoIndex?, packets: VideoIndex) {
    let source = try MediaSource(url: path)
    let stream = try source.videoStream()
    let table = VideoIndex(sampleTableOf: stream, format: source.format, path: path)
    let packets = try VideoIndex(path, stream: stream.pointee.index, options: source.options,
                                 abortHandle: source.abortHandle)
    return (table, packets)
}

private func expectSame(_ table: VideoIndex, _ packets: VideoIndex, _ name: String) {
    #expect(table.source == .sampleTable)
    #expect(table.frameCount == packets.frameCount, "frame count of \(name)")
    #expect(table.packets.map(\.pts) == packets.packets.map(\.pts), "pts in decode order of \(name)")
    #expect(table.packets.map(\.dts) == packets.packets.map(\.dts), "dts of \(name)")
    #expect(table.packets.map(\.isKey) == packets.packets.map(\.isKey), "key flags of \(name)")
    #expect(table.presentation == packets.presentation)
}

@Test(arguments: ["h264", "h264-edit-list", "h264-open-gop-mp4", "h264-mov", "mpeg4", "hevc-open-gop"])
func sampleTableIndexEqualsTheDemuxPass(_ name: String) throws {
    let path = try clip(name)
    let (table, packets) = try indexes(path)
    let index = try #require(table, "\(name): the sample table should be trusted")
    expectSame(index, packets, name)
    let report = try MediaSource(url: path).frames(at: [1, packets.frameCount - 2]) { _, _ in }
    #expect(report.indexSource == .sampleTable)
}

@Test func untrustedTablesFallBackToTheDemuxPass() throws {
    for path in [try TestMedia.h264NegativeCTS(), try TestMedia.h264Fragmented(), try TestMedia.h264OpenGOP()] {
        let (table, packets) = try indexes(path)
        #expect(table == nil, "\(path) should not be planned from its index")
        let report = try MediaSource(url: path).frames(at: [1, packets.frameCount - 2]) { _, _ in }
        #expect(report.indexSource == .packets)
    }
}

/// Damaged moov boxes: every byte of the sample tables' box headers and entry counts flipped in turn, and the file
/// cut short; reading the table never crashes, and whatever it returns agrees with FFmpeg or is refused.
@Test func damagedSampleTablesNeverCrash() throws {
    let original = try Data(contentsOf: URL(fileURLWithPath: try TestMedia.h264LongGOP()))
    let bytes = [UInt8](original)
    let moov = try #require(firstOffset(of: "moov", in: bytes))
    let boxes = ["stbl", "stts", "ctts", "stss", "stsz", "elst", "mdhd", "tkhd", "trak"].compactMap { firstOffset(of: $0, in: bytes, from: moov) }
    let path = TestMedia.directory.appendingPathComponent("damaged-\(UUID().uuidString).mp4").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    var variants: [[UInt8]] = []
    for box in boxes {
        for position in (box - 4)..<(box + 16) {  // size, type, version/flags, first fields (entry counts)
            for value: UInt8 in [0x00, 0xFF, bytes[position] &+ 1] {
                var damaged = bytes
                damaged[position] = value
                variants.append(damaged)
            }
        }
    }
    variants.append(Array(bytes[..<(bytes.count - 1000)]))  // the last samples cut off
    variants.append(Array(bytes[..<(moov + 2000)]))  // moov cut short
    var accepted = 0, fellBack = 0
    defer {  // FFmpeg 5.1: 256 of 542 copies accepted, 4 of them finished from the packets (a key flag disagreed)
        #expect(accepted > 0, "no damaged copy was planned from its table")
        #expect(fellBack > 0, "no damaged copy exercised the fall-back to the packets")
    }
    for variant in variants {
        try Data(variant).write(to: URL(fileURLWithPath: path))
        _ = MP4SampleTable(path: path, trackID: 1, expectedSamples: 300)
        guard let source = try? MediaSource(url: path), let stream = try? source.videoStream() else { continue }
        guard let table = VideoIndex(sampleTableOf: stream, format: source.format, path: path) else { continue }
        // Accepted: sampling gives what sampling planned from the packets gives (a packet the table did not predict
        // makes the sampler finish from the packets).
        let targets = [1, table.frameCount / 2, table.frameCount - 2]
        accepted += 1
        let viaTable = try? sampled(MediaSource(url: path), targets) { fellBack += $0 == .packets ? 1 : 0 }
        let reference = try MediaSource(url: path)
        let packets = try reference.videoIndex(packetsOnly: true)
        #expect(packets.frameCount == table.frameCount, "frame count of a damaged copy")
        #expect(viaTable == (try? sampled(reference, targets)), "frames of a damaged copy")
    }
}

/// A sample the table sizes at 0 bytes (found by `Fuzz/run.sh mp4`): the demuxer skips it, so the demux pass has
/// one frame fewer and numbers every later frame one lower; planning from the table would shift them. Refused.
@Test func zeroSizedSampleFallsBackToTheDemuxPass() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try TestMedia.h264LongGOP())))
    let moov = try #require(firstOffset(of: "moov", in: bytes))
    let stsz = try #require(firstOffset(of: "stsz", in: bytes, from: moov))
    let entry = stsz + 16 + 4 * 150  // type, version/flags, sample_size, sample_count, then sample 150's size
    bytes.replaceSubrange(entry..<entry + 4, with: [0, 0, 0, 0])
    let path = TestMedia.directory.appendingPathComponent("zero-sample-\(UUID().uuidString).mp4").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let (table, packets) = try indexes(path)
    #expect(table == nil, "a table with an empty sample should not be trusted")
    #expect(packets.frameCount == 299)
    let report = try MediaSource(url: path).frames(at: [1, 200]) { _, _ in }
    #expect(report.indexSource == .packets)
}

/// The (index, pts, pixel checksum) of each frame sampled at `targets`; `indexSource` gets the index used last.
private func sampled(_ source: MediaSource, _ targets: [Int],
                     indexSource: (SamplingReport.IndexSource) -> Void = { _ in }) throws -> [String] {
    var frames: [String] = []
    let report = try source.frames(at: targets) { frame, _ in
        frames.append("\(frame.index) \(frame.pts) \(frame.rgb.reduce(0) { $0 &* 31 &+ Int($1) })")
    }
    indexSource(report.indexSource)
    return frames
}

private func firstOffset(of type: String, in bytes: [UInt8], from start: Int = 0) -> Int? {
    let needle = Array(type.utf8)
    return (start..<(bytes.count - 4)).first { bytes[$0..<$0 + 4].elementsEqual(needle) }
}
