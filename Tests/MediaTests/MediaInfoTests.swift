// MediaInfo: the facts `vigil info` prints, checked against what the files were made with.
import Foundation
import Media
import Testing

@Test func sampleFacts() throws {
    let info = try MediaSource(url: TestMedia.samples.appendingPathComponent("sample.mp4").path).info
    #expect(info.container.contains("mp4"))
    #expect(info.videoStream == 0 && info.audioStream == 1)
    let video = info.streams[0], audio = info.streams[1]
    #expect(video.type == "video" && video.codec == "h264" && video.width == 320 && video.height == 240)
    #expect(video.frameRate == 25 && video.frameCount == 100 && video.frameCountSource == "container")
    #expect(video.rotation == 0)
    #expect(audio.type == "audio" && audio.codec == "aac" && audio.sampleRate == 44100 && audio.channels == 1)
    #expect(abs((info.duration ?? 0) - 4) < 0.1)
}

@Test func frameCountsAgreeWithFFprobe() throws {
    for path in [try TestMedia.vp9(), try TestMedia.variableFrameRate(), try TestMedia.mpeg4(), try TestMedia.h264OpenGOP()] {
        let probe = try TestMedia.run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames",
                                                           "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path])
        let info = try MediaSource(url: path).info
        #expect(info.streams[0].frameCount == Int(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(path)")
        #expect(info.streams[0].frameCountSource == (path.hasSuffix(".mp4") ? "container" : "packets"))
    }
}

@Test func rotationComesFromTheDisplayMatrix() throws {
    let plain = try TestMedia.make("unrotated.mp4", ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264"])
    let path = try TestMedia.make("rotated.mp4", ["-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90"])
    // ffprobe prints the display matrix's counter-clockwise angle; vigil reports the clockwise turn to display upright
    // (what ffmpeg's autorotate applies), so the two add up to 0 mod 360.
    let probe = try TestMedia.run("/usr/bin/ffprobe", ["-v", "error", "-show_streams", path])
    let line = try #require(probe.stdout.split(separator: "\n").first { $0.hasPrefix("rotation=") })
    let counterClockwise = try #require(Int(line.dropFirst("rotation=".count)))
    let video = try MediaSource(url: path).info.streams[0]
    #expect(counterClockwise != 0)
    #expect(((video.rotation ?? 0) + counterClockwise) % 360 == 0 && video.width == 64 && video.height == 48)
}

@Test func infoEncodesWithDocumentedKeys() throws {
    let info = try MediaSource(url: TestMedia.samples.appendingPathComponent("sample.mp4").path).info
    let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(info)) as? [String: Any])
    #expect(Set(json.keys) == ["input", "container", "duration", "bit_rate", "streams", "video_stream", "audio_stream"])
    let stream = try #require((json["streams"] as? [[String: Any]])?.first)
    #expect(stream["frame_count"] as? Int == 100 && stream["frame_rate"] as? Double == 25)
}
