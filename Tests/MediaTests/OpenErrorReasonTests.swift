// The reason in "cannot open (…)" is what FFmpeg logged while failing, when it logged anything, taken from the
// failing thread only.
import Foundation
import Testing
@testable import Media

/// A Y4M header with a `width`×`height` picture and one empty frame.
private func y4m(_ width: Int, _ height: Int) throws -> String {
    let path = TestMedia.directory.appendingPathComponent("picture-\(width)x\(height).y4m").path
    try "YUV4MPEG2 W\(width) H\(height) F10:1 Ip A1:1 C420jpeg\nFRAME\n".write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Test func aRefusedPictureSizeIsTheReasonNotFFmpegsErrorCode() throws {
    // FFmpeg returns EBUSY here ("Device or resource busy"); what it logs says what is wrong.
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: try y4m(0, 0)) }
    #expect(error.kind == .malformed && error.reason == "cannot open (Picture size 0x0 is invalid)")
}

@Test func anMP4WithoutItsIndexSaysSo() throws {
    let sample = try Data(contentsOf: TestMedia.samples.appendingPathComponent("sample.mp4"))
    let path = TestMedia.directory.appendingPathComponent("head-only.mp4").path
    try sample.prefix(4_000).write(to: URL(fileURLWithPath: path))
    let error = try #require(throws: MediaError.self) { _ = try MediaSource(url: path) }
    #expect(error.reason == "cannot open (moov atom not found)")
}

@Test func eachThreadGetsTheReasonForItsOwnInput() throws {
    let sizes = [(0, 0), (65535, 65535), (0, 16), (16000, 0)]
    let paths = try sizes.map { try y4m($0.0, $0.1) }
    nonisolated(unsafe) let reasons = UnsafeMutableBufferPointer<String>.allocate(capacity: 200)  // a slot per round
    reasons.initialize(repeating: "")
    defer { reasons.deallocate() }
    DispatchQueue.concurrentPerform(iterations: reasons.count) { round in
        do {
            _ = try MediaSource(url: paths[round % paths.count])
            reasons[round] = "opened"
        } catch {
            reasons[round] = (error as? MediaError)?.reason ?? "\(error)"
        }
    }
    for (round, reason) in reasons.enumerated() {
        let (width, height) = sizes[round % sizes.count]
        #expect(reason == "cannot open (Picture size \(width)x\(height) is invalid)")
    }
}
