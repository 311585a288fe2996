import Features
import Formats
import Foundation
import Media
import Models
import Testing

@testable import Pipeline

@Test func extractionTakesOneRowPerSecondWithAudio() throws {
    let clip = try testClip(in: temporaryFolder())
    let features = try FeatureExtraction(settings: PipelineSettings()).run(clip.path)
    #expect(features.frameCount == 4)
    #expect(features.timestamps == [0, 1, 2, 3])
    #expect(features.frameIndices == [0, 25, 50, 75])
    #expect(features.rgb.shape == [4, 1024])
    #expect(features.audio.shape == [4, 128])
    #expect(features.hasAudio)
    // A 1 kHz tone: every audio row peaks in the same mel band.
    let peaks = (0..<4).map { t in (0..<64).max { features.audio.scalars[t * 128 + $0] < features.audio.scalars[t * 128 + $1] }! }
    #expect(Set(peaks).count == 1)
    // The same input gives the same features.
    let again = try FeatureExtraction(settings: PipelineSettings()).run(clip.path)
    #expect(again.rgb == features.rgb && again.audio == features.audio)
}

@Test func segNumDecodesExactlyTheUniformPicks() throws {
    let clip = try testClip(in: temporaryFolder())
    var settings = PipelineSettings()
    settings.flags.segNum = 5
    let features = try FeatureExtraction(settings: settings).run(clip.path)
    #expect(features.frameIndices == UniformSampler(segments: 5, mode: .center).indices(frameCount: 100))
    #expect(features.frameIndices == [10, 30, 50, 70, 90])
    #expect(zip(features.timestamps, [0.4, 1.2, 2.0, 2.8, 3.6]).allSatisfy { abs($0 - $1) < 1e-9 })
    #expect(features.rgb.shape == [5, 1024])
}

@Test func noAudioTrackGivesZeroRowsAndSaysSo() throws {
    let clip = try testClip(in: temporaryFolder(), audio: false)
    let features = try FeatureExtraction(settings: PipelineSettings()).run(clip.path)
    #expect(!features.hasAudio)
    #expect(features.audio.shape == [4, 128])
    #expect(features.audio.scalars.allSatisfy { $0 == 0 })
}

@Test func extractedFilesReadBackThroughFormats() throws {
    let folder = try temporaryFolder()
    let clip = try testClip(in: folder)
    let features = try FeatureExtraction(settings: PipelineSettings()).run(clip.path)
    for name in ["clip.safetensors", "clip.tfrecord", "clip.pkl"] {
        let url = folder.appendingPathComponent(name)
        let summary = try features.write(to: url)
        #expect(summary.frames == 4 && summary.rgbDimension == 1024 && summary.audioDimension == 128 && summary.audio)
        let records = try readFeatureRecords(url)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.id == "clip")
        #expect(record.rgb.shape == [4, 1024] && record.audio.shape == [4, 128])
        if name.hasSuffix(".safetensors") {
            #expect(record.rgb == features.rgb && record.audio == features.audio)
            #expect(record.timestamps == [0, 1, 2, 3])
        } else {
            // uint8 quantisation: within half a step (4/255/2) inside [-2, 2], clipped outside.
            for (read, written) in zip(record.rgb.scalars + record.audio.scalars, features.rgb.scalars + features.audio.scalars) {
                #expect(abs(read - min(max(written, -1.9921875), 2.0078125)) <= 0.0079)
            }
        }
    }
}

@Test func badInputsAreOneLineErrorsWithExitCodes() throws {
    let folder = try temporaryFolder()
    let extraction = try FeatureExtraction(settings: PipelineSettings())
    let text = folder.appendingPathComponent("notes.mp4")
    try "not a video".write(to: text, atomically: true, encoding: .utf8)
    let audioOnly = try ffmpeg(["-f", "lavfi", "-i", "sine=d=1"], output: folder.appendingPathComponent("tone.m4a"))
    for (path, code) in [(folder.appendingPathComponent("missing.mp4").path, 66), (folder.path, 66), (text.path, 65), (audioOnly.path, 65)] {
        do {
            _ = try extraction.run(path)
            Issue.record("\(path) did not fail")
        } catch let error as CustomNSError & LocalizedError {
            #expect(error.errorCode == code, "\(path): \(error.errorDescription ?? "")")
            #expect(error.errorDescription?.contains(path) == true)
            #expect(error.errorDescription?.contains("\n") == false)
        }
    }
}
