// FeatureStream, watch's feature stage, driven with synthetic frames and sound (no FFmpeg, no threads), with the
// real built-in extractors.
import Features
import Foundation
import Media
import Stream
import Testing

@testable import Pipeline

/// A 32×24 frame whose brightness depends on `pts`.
private func frame(_ pts: Double, index: Int = 0) -> VideoFrame {
    let level = UInt8(Int(pts * 37) % 256)
    return VideoFrame(index: index, pts: pts, width: 32, height: 24, rgb: [UInt8](repeating: level, count: 32 * 24 * 3))
}

/// `seconds` of a tone whose frequency rises with time, 16 kHz, starting at `start`.
private func tone(from start: Double, seconds: Double) -> [Float] {
    let rate = Double(featureAudioSampleRate)
    return (0..<Int(seconds * rate)).map { i in
        let t = start + Double(i) / rate
        return Float(0.3 * sin(2 * Double.pi * (300 + 200 * t) * t))
    }
}

private func stream(audio: Bool, window: Double = 4, stride: Double = 2) throws -> FeatureStream {
    try FeatureStream(
        extractor: BuiltinFrameExtractor(), audioExtractor: audio ? LogMelAudioExtractor() : nil, audioDimension: 128,
        windowSeconds: window, windowFrames: Int(window) + 1, strideSeconds: stride, now: { 1_000 })
}

@Suite struct FeatureStreamTests {
    @Test func withoutSoundEveryStrideHandsOutTheLastWindowWithZeroAudio() throws {
        var features = try stream(audio: false)
        var due: [FeatureStream.Window] = []
        for second in 0..<9 { due += try features.append(frame(Double(second))) }
        due += try features.finish()
        #expect(due.map { $0.rgb.endPts } == [2, 4, 6, 8])
        #expect(due.map { $0.rgb.startPts } == [0, 1, 3, 5])  // 4 s of pts: a vector at end − 4 or older leaves
        #expect(due.map(\.rgb.count) == [3, 4, 4, 4])
        #expect(due.allSatisfy { $0.audio.count == $0.rgb.count })
        #expect(due.allSatisfy { $0.audio.tensor().scalars.allSatisfy { $0 == 0 } })
        #expect(due.map(\.endTime) == [1_002, 1_004, 1_006, 1_008])  // epoch of the first frame + pts
        #expect(due.map(\.startTime) == [1_000, 1_001, 1_003, 1_005])
    }

    @Test func aFrameWaitsForItsSecondOfSoundAndGetsClassifysVector() throws {
        var features = try stream(audio: true, window: 10, stride: 1)
        let sound = tone(from: 0, seconds: 6)
        var due: [FeatureStream.Window] = []
        for second in 0..<6 {
            due += try features.append(frame(Double(second)))
            #expect(features.waitingFrames == 1)  // its second of sound has not been decoded yet
            for quarter in 0..<4 {  // sound arrives in 250 ms chunks
                let begin = (second * 4 + quarter) * 4_000
                due += try features.append(AudioChunk(startingAt: Double(begin) / 16_000, samples: Array(sound[begin..<begin + 4_000])))
            }
            #expect(features.waitingFrames == 0)  // [t, t + 1) is complete
        }
        #expect(due.map { $0.rgb.endPts } == [1, 2, 3, 4, 5])
        // Row t of the audio window is the extractor's vector of [t, t + 1), exactly what classify computes.
        let extractor = try LogMelAudioExtractor()
        let last = try #require(due.last)
        for row in 0..<6 {
            let expected = try extractor.extract(window: sound[(row * 16_000)..<((row + 1) * 16_000)])
            #expect(last.audio.rows([row]).scalars == expected)
            let shared = try AudioSecond.vector(at: Double(row), samples: sound[...], start: 0, extractor: extractor)
            #expect(shared == expected)
        }
    }

    @Test func theEndOfAConnectionReleasesWaitingFramesWithTheLastFullSecond() throws {
        var features = try stream(audio: true, window: 10, stride: 1)
        let sound = tone(from: 0, seconds: 3.5)
        _ = try features.append(AudioChunk(startingAt: 0, samples: sound))
        var due: [FeatureStream.Window] = []
        for second in 0..<4 { due += try features.append(frame(Double(second))) }
        #expect(features.waitingFrames == 1)  // frame 3 wants sound up to 4 s
        due += try features.finish()
        #expect(features.waitingFrames == 0)
        let last = try #require(due.last)
        #expect(last.rgb.endPts == 3)
        let extractor = try LogMelAudioExtractor()
        let lastSecond = try extractor.extract(window: sound[(sound.count - 16_000)...])
        #expect(last.audio.rows([3]).scalars == lastSecond)  // 3.5 s of sound: row 3 takes [2.5, 3.5)
    }

    @Test func soundThatStallsHoldsFramesBackOnlyForAWhile() throws {
        var features = try stream(audio: true, window: 10, stride: 1)
        let sound = tone(from: 0, seconds: 1.5)
        _ = try features.append(AudioChunk(startingAt: 0, samples: sound))
        var due: [FeatureStream.Window] = []
        for second in 0..<8 { due += try features.append(frame(Double(second))) }
        // Video ran more than 3 s ahead of the frames still waiting: they take what sound there is.
        #expect(features.waitingFrames == 4)
        #expect(due.map { $0.rgb.endPts } == [1, 2, 3])
        // Nothing heard at 3 s: the rule's last full second, [0.5, 1.5).
        let lastSecond = try LogMelAudioExtractor().extract(window: sound[8_000...])
        #expect(due.last?.audio.rows([3]).scalars == lastSecond)
    }

    @Test func aGapInTheSoundStartsItsBufferAfresh() throws {
        var features = try stream(audio: true, window: 10, stride: 1)
        _ = try features.append(AudioChunk(startingAt: 0, samples: tone(from: 0, seconds: 1)))
        _ = try features.append(frame(0))
        #expect(features.waitingFrames == 0)
        _ = try features.append(frame(1))
        #expect(features.waitingFrames == 1)
        // Sound resumes 5 s later (a new clock): frame 1 takes the old sound's last second first.
        _ = try features.append(AudioChunk(startingAt: 6, samples: tone(from: 6, seconds: 2)))
        #expect(features.waitingFrames == 0)
    }

    @Test func aWrongStrideIsASettingError() {
        #expect(throws: StreamError.self) { try stream(audio: false, stride: 0) }
    }
}
