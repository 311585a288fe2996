// Exactness: a sampled frame is bit-identical to the same frame of a full sequential decode, on every codec shape.
import Media
import Testing

/// Every frame of `path` by a plain sequential decode (the reference).
private func fullDecode(_ path: String) throws -> [VideoFrame] {
    let reader = try MediaSource(url: path).reader()
    var frames: [VideoFrame] = []
    while let item = try reader.next() {
        if case .video(let frame) = item { frames.append(frame) }
    }
    return frames
}

/// Samples `indices` and checks each against the full decode; returns the sampling report.
@discardableResult
private func expectExact(_ path: String, _ indices: [Int], against reference: [VideoFrame]) throws -> SamplingReport {
    var delivered: [Int] = []
    let report = try MediaSource(url: path).frames(at: indices) { frame, _ in
        delivered.append(frame.index)
        let expected = reference[frame.index]
        #expect(frame.pts == expected.pts, "pts of frame \(frame.index) in \(path)")
        #expect(frame.rgb == expected.rgb, "pixels of frame \(frame.index) in \(path)")
    }
    #expect(delivered == indices.sorted(), "frames delivered for \(path)")
    #expect(report.missingFrames == 0 && report.damagedFrames == 0)
    return report
}

/// The test clip called `name` (the arguments of the tests below and of SampleTableIndexTests).
func clip(_ name: String) throws -> String {
    switch name {
    case "h264-open-gop": try TestMedia.h264OpenGOP()
    case "h264-open-gop-mp4": try TestMedia.h264OpenGOPMP4()
    case "h264-edit-list": try TestMedia.h264EditList()
    case "vp9": try TestMedia.vp9()
    case "mpeg4": try TestMedia.mpeg4()
    case "vfr": try TestMedia.variableFrameRate()
    case "h264-negative-cts": try TestMedia.h264NegativeCTS()
    case "h264-mov": try TestMedia.h264MOV()
    case "h264-fragmented": try TestMedia.h264Fragmented()
    case "hevc-open-gop": try TestMedia.hevcOpenGOP()
    default: try TestMedia.h264LongGOP()
    }
}

@Test(arguments: ["h264", "h264-open-gop", "h264-open-gop-mp4", "h264-edit-list", "vp9", "mpeg4", "vfr",
                  "h264-negative-cts", "h264-mov", "h264-fragmented", "hevc-open-gop"])
func sampledFramesMatchAFullDecode(_ name: String) throws {
    let path = try clip(name)
    let reference = try fullDecode(path)
    let source = try MediaSource(url: path)
    #expect(source.info.streams[0].frameCount == reference.count)
    #expect(zip(reference.dropFirst(), reference).allSatisfy { $0.pts > $1.pts }, "full decode is in presentation order")
    let n = reference.count
    // Sparse (seeks), backwards with repeats, dense (sequential), random, and the last frames (the flushed tail).
    let sparse = try expectExact(path, [3, n / 2 + 1, n - 7], against: reference)
    #expect(sparse.seeks >= 1, "sparse targets in \(name) should seek")
    try expectExact(path, [n - 1, n / 3, n / 3, 0], against: reference)
    try expectExact(path, (0..<40).map { (2 * $0 + 1) * n / 80 }, against: reference)  // 40 uniform picks, center
    try expectExact(path, (0..<7).map { ($0 * 37 + 11) % n }.sorted(), against: reference)  // scattered picks
    try expectExact(path, Array((n - 4)..<n), against: reference)
}

@Test func denseTargetsDecodeSequentiallyAndSparseOnesSeek() throws {
    let path = try TestMedia.h264LongGOP()
    let dense = try MediaSource(url: path).frames(at: Array(stride(from: 0, to: 300, by: 10))) { _, _ in }
    #expect(dense.seeks == 0)
    let sparse = try MediaSource(url: path).frames(at: [100, 230, 290]) { _, _ in }
    #expect(sparse.seeks == 1)  // 100 is in the first GOP; 230 needs the GOP at 120... and 290 the GOP at 240
    #expect(sparse.decodedPackets < 300)
}
