// A fragment that declares more samples than its file has bytes is refused before FFmpeg indexes it (a 2 KB file
// found by `Fuzz/run.sh mp4` made `vigil info` take 5.4 GB and 10 s).
import Foundation
import Testing
@testable import Media

/// The fragmented test file with its first trun's sample_count set to `count`.
private func fragmented(declaring count: UInt32) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try TestMedia.h264Fragmented())))
    let needle = Array("trun".utf8)
    let trun = try #require((0..<(bytes.count - 4)).first { bytes[$0..<$0 + 4].elementsEqual(needle) })
    let at = trun + 8  // type, version and flags, then sample_count
    bytes.replaceSubrange(at..<at + 4, with: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> $0) })
    let path = TestMedia.directory.appendingPathComponent("trun-\(count)-\(UUID().uuidString).mp4").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Test func aFragmentDeclaringMoreSamplesThanBytesIsRefused() throws {
    let path = try fragmented(declaring: 83_886_080)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: path) }
    #expect(error.kind == .malformed)
    #expect(error.reason.hasPrefix("declares "), "\(error.reason)")
    #expect(error.reason.contains("samples in a file of \(size) bytes"))
}

@Test func realFragmentedAndPlainFilesPassTheGuard() throws {
    for path in [try TestMedia.h264Fragmented(), try TestMedia.h264LongGOP(), try TestMedia.h264EditList()] {
        #expect(MP4SampleCountGuard.refusal(forFileAt: path) == nil, "\(path)")
    }
    let original = try MediaSource(url: try TestMedia.h264Fragmented())
    #expect(try original.videoFrameCount() == 300)
}
