import Foundation
import Media
import Testing

@testable import Features

@Test func realFFTMatchesADirectDFT() throws {
    let fft = try #require(RealFFT(size: 16))
    let x: [Float] = (0..<16).map { Float(sin(Double($0) * 0.7) + 0.3 * cos(Double($0) * 2.1)) }
    let spectrum = x.withUnsafeBufferPointer { Array(fft.spectrum(of: $0)) }
    #expect(spectrum.count == 18)
    for k in 0...8 {
        var re = 0.0, im = 0.0
        for n in 0..<16 {
            re += Double(x[n]) * cos(2 * .pi * Double(k * n) / 16)
            im -= Double(x[n]) * sin(2 * .pi * Double(k * n) / 16)
        }
        #expect(abs(Double(spectrum[2 * k]) - re) < 1e-4, "bin \(k) re")
        #expect(abs(Double(spectrum[2 * k + 1]) - im) < 1e-4, "bin \(k) im")
    }
    #expect(RealFFT(size: 12) == nil)
}

@Test func aOneKilohertzSinePeaksInTheMelBandHoldingOneKilohertz() throws {
    let samples = try rawAudio("sine=frequency=1000:sample_rate=16000:duration=1")
    #expect(samples.count == 16_000)
    let extractor = try LogMelAudioExtractor()
    let features = try extractor.extract(window: samples[...])
    #expect(features.count == 128)
    let means = Array(features[0..<64])
    let peak = means.firstIndex(of: means.max()!)!
    // The band whose triangle covers 1 kHz most: the one whose centre is nearest to 1 kHz on the mel scale.
    let centres = (0..<64).map { MelFilterbank.centerHertz(band: $0, bands: 64, lowHz: 125, highHz: 7500) }
    let expected = centres.indices.min { abs(MelFilterbank.mel(hertz: centres[$0]) - MelFilterbank.mel(hertz: 1000)) < abs(MelFilterbank.mel(hertz: centres[$1]) - MelFilterbank.mel(hertz: 1000)) }!
    #expect(peak == expected)
    #expect(centres[peak] > 900 && centres[peak] < 1100)
    // A steady tone: its peak band (and its pair) barely varies over the window.
    #expect(features[64 + peak / 2] < 0.05 * features[peak])
    // The band-free summary starts with the highest band mean, and the tone stands far above the median band.
    #expect(features[96] == features[peak])
    #expect(features[96 + 20] > 0.5 * features[peak])
}

@Test func theBandFreeSummaryOfASteadyToneHardlyDependsOnItsPitch() throws {
    // Steady tones at −6 dBFS from 500 Hz to 3 kHz: the band means differ (another band each), the 32 band-free
    // values stay close; a quieter tone (−40 dBFS) stays clearly lower in the loudness figures.
    let extractor = try LogMelAudioExtractor()
    func summary(_ hertz: Int, _ volume: String) throws -> [Float] {
        let samples = try rawAudio("sine=frequency=\(hertz):sample_rate=16000:duration=1,volume=\(volume)")
        return Array(try extractor.extract(window: samples[...])[96..<128])
    }
    let low = try summary(500, "0.5"), high = try summary(3000, "0.5"), quiet = try summary(1000, "0.01")
    for i in [0, 8, 12, 20] {
        #expect(abs(low[i] - high[i]) < 0.1 * low[i], "summary \(i): \(low[i]) vs \(high[i])")
        #expect(quiet[i] < low[i] - 0.5, "summary \(i): quiet \(quiet[i]) vs loud \(low[i])")
    }
}

@Test func aBangStandsAboveTheWindowsBackground() throws {
    // 0.9 s of quiet pink noise, then 0.1 s of loud white noise: the loudest frame stands far above the 10th
    // percentile frame (summary value 21), while steady noise gives almost nothing there.
    let quiet = try rawAudio("anoisesrc=d=1:c=pink:r=16000:a=0.01:seed=5")
    let bang = try rawAudio("anoisesrc=d=1:c=white:r=16000:a=0.8:seed=6")
    let window = Array(quiet[0..<14_400]) + Array(bang[0..<1_600])
    let extractor = try LogMelAudioExtractor()
    let withBang = try extractor.extract(window: window[...]), steady = try extractor.extract(window: quiet[...])
    #expect(withBang[96 + 21] > 1.0 && steady[96 + 21] < 0.3, "\(withBang[96 + 21]) vs \(steady[96 + 21])")
}

@Test func silenceAndEmptyWindowsAreZeros() throws {
    let extractor = try LogMelAudioExtractor()
    #expect(try extractor.extract(window: [Float](repeating: 0, count: 16_000)[...]) == [Float](repeating: 0, count: 128))
    #expect(try extractor.extract(window: []) == [Float](repeating: 0, count: 128))
    // A window shorter than one 25 ms frame is padded, not refused.
    let short = try extractor.extract(window: [Float](repeating: 0.5, count: 100)[...])
    #expect(short.count == 128 && short.contains { $0 > 0 })
}

@Test func logMelIsDeterministicOnNoise() throws {
    let noise = try rawAudio("anoisesrc=d=2:c=pink:r=16000:a=0.5:seed=3")
    let extractor = try LogMelAudioExtractor()
    let a = try extractor.extract(window: noise[0..<16_000]), b = try LogMelAudioExtractor().extract(window: noise[0..<16_000])
    #expect(a == b)
    #expect(a.allSatisfy { $0.isFinite && $0 >= 0 })
}
