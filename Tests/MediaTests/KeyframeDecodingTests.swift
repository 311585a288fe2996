// Keyframe-only decoding (ReadRequest.decoding) on real ffmpeg-made H.264 with B-frames: a 1 s keyframe interval
// at 1 frame/s switches `auto` on and keeps the very frames a full decode keeps; a 4 s interval leaves `auto` on
// every frame; forced keyframes keep the keyframe nearest each instant, at most half a keyframe interval away.
import Foundation
import Media
import Testing

/// 12 s of 25 frames/s H.264 (3 B-frames) with a keyframe every `gop` frames and no scene-cut keyframes.
private func clip(gop: Int, container: String = "mp4") throws -> String {
    try TestMedia.make("h264-key\(gop).\(container)", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=12",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "\(gop)", "-keyint_min", "\(gop)", "-sc_threshold", "0",
        "-bf", "3", "-pix_fmt", "yuv420p"])
}

private func read(_ path: String, fps: Double, _ decoding: FrameDecoding) throws -> (frames: [VideoFrame], reader: MediaReader, keyframesOnlyAt: [Bool]) {
    let reader = try MediaSource(url: path).reader(
        ReadRequest(size: FrameSize(width: 32, height: 24), framesPerSecond: fps, skipNonReference: true, decoding: decoding))
    var frames: [VideoFrame] = [], modes: [Bool] = []
    while let item = try reader.next() {
        if case .video(let frame) = item {
            frames.append(frame)
            modes.append(reader.decodesKeyframesOnly)
        }
    }
    return (frames, reader, modes)
}

@Test(arguments: ["mp4", "ts"])
func autoDecodesOnlyKeyframesWhenTheyComeOncePerSamplingInterval(container: String) throws {
    let path = try clip(gop: 25, container: container)
    let full = try read(path, fps: 1, .all)
    let auto = try read(path, fps: 1, .auto)
    let start = try #require(full.frames.first?.pts)  // MPEG-TS starts at 1.48 s
    #expect(full.frames.map { (($0.pts - start) * 1000).rounded() } == Array(0..<12).map { Double($0 * 1000) })
    #expect(auto.frames.map(\.pts) == full.frames.map(\.pts))
    #expect(auto.frames.map(\.rgb) == full.frames.map(\.rgb))  // the keyframes sit on the instants: same pictures
    #expect(auto.keyframesOnlyAt.suffix(9).allSatisfy { $0 })  // on after two 1 s keyframe intervals
    #expect(!full.keyframesOnlyAt.contains(true))
    #expect(auto.reader.decodedFrames < 80)  // about two GOPs in full, then one frame a second
    #expect(full.reader.decodedFrames > 150)
}

@Test func autoKeepsDecodingEveryFrameWhenKeyframesAreFourSecondsApart() throws {
    let path = try clip(gop: 100)
    let full = try read(path, fps: 1, .all)
    let auto = try read(path, fps: 1, .auto)
    #expect(!auto.keyframesOnlyAt.contains(true))
    #expect(auto.frames.map(\.pts) == full.frames.map(\.pts))
    #expect(auto.frames.map(\.rgb) == full.frames.map(\.rgb))
    #expect(auto.reader.decodedFrames == full.reader.decodedFrames)
}

@Test func forcedKeyframesKeepEachKeyframeOnceWhenTheyAreSparserThanTheInstants() throws {
    let full = try read(try clip(gop: 100), fps: 1, .all)
    let keyframes = try read(try clip(gop: 100), fps: 1, .keyframes)
    #expect(keyframes.frames.map(\.pts) == [0, 4, 8])
    for frame in keyframes.frames {  // the same pictures a full decode gives at those instants
        #expect(frame.rgb == full.frames.first { $0.pts == frame.pts }?.rgb)
    }
    #expect(keyframes.reader.decodedFrames == 3)
}

@Test func eachKeptKeyframeIsTheNearestToItsInstantWithinHalfAKeyframeInterval() throws {
    // Instants every 4/3 s against keyframes every second: 0, 1.33, 2.67, 4, 5.33, 6.67, 8, 9.33, 10.67.
    let keyframes = try read(try clip(gop: 25), fps: 0.75, .keyframes)
    #expect(keyframes.frames.map(\.pts) == [0, 1, 3, 4, 5, 7, 8, 9, 11])
    for (s, frame) in keyframes.frames.enumerated() {
        #expect(abs(frame.pts - Double(s) / 0.75) <= 0.5)
    }
    #expect(zip(keyframes.frames, keyframes.frames.dropFirst()).allSatisfy { $0.index < $1.index })
    let auto = try read(try clip(gop: 25), fps: 0.75, .auto)
    #expect(auto.frames.map(\.pts).suffix(5) == [5, 7, 8, 9, 11])  // auto agrees once it has switched on
}
