// Media's fuzz targets: the MP4/MOV sample-table reader that plans exact sampling without a demux pass (issue 19),
// alone and behind FFmpeg's demuxer; FuzzTargets.swift picks one by FUZZ_TARGET. Both read a real file, as Vigil
// does: each input is written to one scratch file of this process and opened by path. Every input must end in a
// value, nil or a MediaError; a trap, a sanitizer report, an out-of-memory, a hang, or a table that breaks what the
// reader promises is a finding.
import Foundation
@testable import Media

/// Most CPU time one input may take. `mp4` runs FFmpeg's probe and a few frame decodes (uninstrumented C), so it
/// gets more than Formats' parsers.
private let mediaSecondsPerInput = 2.0

/// The most samples `mp4-table` asks for: in Vigil the count is FFmpeg's own index length (24 bytes per entry,
/// already allocated by the demuxer), so a tiny file cannot make the reader allocate what FFmpeg did not; here it
/// comes from the input, so it is capped where the reader's three arrays stay under run.sh's -malloc_limit_mb.
private let mediaSampleLimit = 1 << 20

/// The scratch file every input is written to (in /dev/shm when there is one), named .mp4 so FFmpeg probes it as
/// a file of that kind would be.
private let mediaScratchPath: String = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(directory)/vigil-fuzz-\(getpid()).mp4"
}()

/// Runs `data` through the Media target named `target`; false when no Media target has that name.
func fuzzMedia(_ target: String, _ data: Data) -> Bool {
    guard target == "mp4-table" || target == "mp4" else { return false }
    guard FileManager.default.createFile(atPath: mediaScratchPath, contents: data) else {
        fatalError("\(target): cannot write the scratch file \(mediaScratchPath)")
    }
    let start = threadCPUSeconds()
    defer {
        let seconds = threadCPUSeconds() - start
        check(seconds <= mediaSecondsPerInput, target, "an input of \(data.count) bytes took \(seconds) s of CPU")
    }
    if target == "mp4-table" { fuzzSampleTable(data) } else { fuzzMP4File() }
    return true
}

/// The reader alone, on track 1 and 2, asked for the sample count the input's first `stsz` declares (the count
/// FFmpeg would have indexed for a well-formed file): a table it returns must hold exactly that many samples in
/// every column, with decode times that never go back.
private func fuzzSampleTable(_ data: Data) {
    let bytes = [UInt8](data)
    guard let at = firstBox("stsz", in: bytes), at + 16 <= bytes.count else { return }
    let declared = bytes[at + 12..<at + 16].reduce(0) { $0 << 8 | Int($1) }
    let count = min(max(declared, 1), mediaSampleLimit)
    for track: Int32 in [1, 2] {
        guard let table = MP4SampleTable(path: mediaScratchPath, trackID: track, expectedSamples: count) else { continue }
        check(table.sampleCount == count && table.compositionOffsets.count == count
              && (table.syncSamples?.count ?? count) == count, "mp4-table", "a table whose columns are not \(count) long")
        check(zip(table.decodeTimes, table.decodeTimes.dropFirst()).allSatisfy { $0 <= $1 }, "mp4-table",
              "decode times that go back")
    }
}

/// Where the first box header of `type` starts (its size field), found by its four letters.
private func firstBox(_ type: String, in bytes: [UInt8]) -> Int? {
    let letters = Array(type.utf8)
    guard bytes.count >= 8 else { return nil }
    for at in 4...(bytes.count - 4) where bytes[at..<at + 4].elementsEqual(letters) { return at - 4 }
    return nil
}

/// The whole path `vigil frames` takes on a local MP4: open and probe, the exact frame count (from the sample
/// table when it is trusted), then the first, middle and last frame at 16×16, and the same count planned from a
/// demux-only pass, which must agree with it.
private func fuzzMP4File() {
    guard let source = try? MediaSource(url: mediaScratchPath), let index = try? source.videoIndex(),
          index.frameCount > 0 else { return }
    let count = index.frameCount
    if index.source == .sampleTable, let pass = try? source.videoIndex(packetsOnly: true) {
        // Index-only planning is only allowed where it numbers the frames as a full decode's packets do.
        check(pass.frameCount == count, "mp4", "the sample table counts \(count) frames, the demux pass \(pass.frameCount)")
    }
    let targets = Array(Set([0, count / 2, count - 1])).sorted()
    var delivered = 0
    _ = try? source.frames(at: targets, size: FrameSize(width: 16, height: 16)) { frame, _ in
        check(frame.width == 16 && frame.height == 16, "mp4", "a frame of \(frame.width)×\(frame.height), asked 16×16")
        delivered += 1
    }
    check(delivered <= targets.count, "mp4", "\(delivered) frames delivered for \(targets.count) targets")
}
