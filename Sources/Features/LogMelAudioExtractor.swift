// The built-in audio extractor: VGGish's log-mel front end, summarised over each window by band means, spreads and
// band-free loudness figures.
// Legend: N samples in a window; F frames (25 ms, 10 ms hop); B = 64 mel bands.
import Foundation
import Media

/// VGGish's front end on 16 kHz mono: 25 ms periodic Hann frames every 10 ms, |FFT| of 512 points (libavutil
/// `av_tx`), 64 mel bands from 125 to 7500 Hz, log(mel + 0.01). Each window's frames are summarised as the mean
/// of every band, the spread of each pair of bands and 32 values that name no band (loudness and background;
/// 128 values in all). Every window is summarised on its own, so `classify` and `watch` give the same rows.
///
/// Convention (docs/extractors.md): the log is measured from the silence floor, `log(mel + 0.01) − log(0.01)`,
/// and the result is scaled by 1/4 so typical values stay inside YouTube-8M's quantisation range [-2, 2]. So
/// silence, and a missing audio track, are exactly zeros.
public struct LogMelAudioExtractor: AudioFeatureExtractor {
    public static let bands = 64
    public static let lowHz = 125.0, highHz = 7500.0
    public static let frameLength = 400, hopLength = 160, fftSize = 512
    static let logOffset: Float = 0.01
    static let outputScale: Float = 0.25

    public let dimension = 2 * LogMelAudioExtractor.bands
    private let workspace: Workspace

    public init() throws {
        guard let fft = RealFFT(size: Self.fftSize) else {
            throw FeaturesError.badDimension(extractor: "builtin audio", dimension: 128, reason: "libavutil has no real FFT of 512 points")
        }
        workspace = Workspace(fft: fft)
    }

    /// Each window's 98 frames summarised in 128 values (docs/extractors.md has the table):
    /// [0, 64) the mean of every band; [64, 96) the standard deviation of each pair of neighbouring bands (the mean of
    /// the two bands' deviations); [96, 128) summaries that name no band, so a loud sound counts the same whatever
    /// its pitch: the window's eight loudest band means in descending order, quantiles of the loudest band of each
    /// frame and of each frame's total level, the background (low quantiles over bands and over frames) and how far
    /// the loudest parts stand above it (`Summary`).
    public func extract(window: ArraySlice<Float>) throws -> [Float] {
        let frames = logMelFrames(window)  // [F, B]
        let b = Self.bands, count = frames.count / b
        var out = [Float](repeating: 0, count: dimension)
        guard count > 0 else { return out }
        var means = [Double](repeating: 0, count: b), deviations = [Double](repeating: 0, count: b)
        for band in 0..<b {
            var sum: Double = 0, sumSquares: Double = 0
            for f in 0..<count {
                let v = Double(frames[f * b + band])
                sum += v
                sumSquares += v * v
            }
            let mean = sum / Double(count)
            means[band] = mean
            deviations[band] = max(0, sumSquares / Double(count) - mean * mean).squareRoot()
            out[band] = Float(mean) * Self.outputScale
        }
        for pair in 0..<(b / 2) {
            out[b + pair] = Float((deviations[2 * pair] + deviations[2 * pair + 1]) / 2) * Self.outputScale
        }
        let summary = Self.summary(frames: frames, count: count, means: means, deviations: deviations)
        for (i, v) in summary.enumerated() { out[b + b / 2 + i] = Float(v) * Self.outputScale }
        return out
    }

    /// The 32 band-free values of a window, each in the log-mel units of the bands (0 = silence):
    /// [0, 8) the eight highest band means, highest first; [8, 12) the loudest band of each frame: its maximum, 90th,
    /// 50th and 10th percentile over the frames; [12, 16) the same of each frame's level over all bands,
    /// log(Σ mel + 0.01) − log(0.01); [16, 20) the band means' 90th, 50th, 25th and 10th percentile over the bands;
    /// [20] the highest band mean above the median band mean (a tone over a room); [21] the loudest frame's level
    /// above the 10th-percentile frame (a bang over the background); [22, 30) the eight largest band deviations,
    /// largest first; [30] the mean deviation over the bands; [31] the deviation over the frames of each frame's level.
    static func summary(frames: [Float], count: Int, means: [Double], deviations: [Double]) -> [Double] {
        let b = bands
        var out: [Double] = []
        out.reserveCapacity(32)
        let byMean = means.sorted(by: >)
        out += byMean.prefix(8)
        var peaks = [Double](repeating: 0, count: count), levels = [Double](repeating: 0, count: count)
        let floor = log(Double(logOffset))
        for f in 0..<count {
            var peak: Float = 0, sum: Double = 0
            for band in 0..<b {
                let v = frames[f * b + band]
                peak = max(peak, v)
                sum += exp(Double(v) + floor) - Double(logOffset)  // back to mel: exp(v + log 0.01) − 0.01
            }
            peaks[f] = Double(peak)
            levels[f] = log(max(0, sum) + Double(logOffset)) - floor
        }
        let sortedPeaks = peaks.sorted(), sortedLevels = levels.sorted()
        for q in [1.0, 0.9, 0.5, 0.1] { out.append(quantile(sortedPeaks, q)) }
        for q in [1.0, 0.9, 0.5, 0.1] { out.append(quantile(sortedLevels, q)) }
        let ascendingMeans = Array(byMean.reversed())
        for q in [0.9, 0.5, 0.25, 0.1] { out.append(quantile(ascendingMeans, q)) }
        out.append(byMean[0] - quantile(ascendingMeans, 0.5))
        out.append(quantile(sortedLevels, 1) - quantile(sortedLevels, 0.1))
        out += deviations.sorted(by: >).prefix(8)
        out.append(deviations.reduce(0, +) / Double(b))
        let meanLevel = levels.reduce(0, +) / Double(count)
        out.append((levels.reduce(0) { $0 + ($1 - meanLevel) * ($1 - meanLevel) } / Double(count)).squareRoot())
        return out
    }

    /// The value at fraction `q` of an ascending array (nearest rank, q = 1 is the maximum).
    static func quantile(_ ascending: [Double], _ q: Double) -> Double {
        ascending[min(ascending.count - 1, Int((q * Double(ascending.count - 1)).rounded()))]
    }

    /// log(mel + 0.01) − log(0.01) for every 25 ms frame of `samples` (a window shorter than one frame is
    /// zero-padded to one frame): [F, B].
    func logMelFrames(_ samples: ArraySlice<Float>) -> [Float] {
        let count = samples.isEmpty ? 0 : 1 + max(0, samples.count - Self.frameLength) / Self.hopLength
        var out = [Float](repeating: 0, count: count * Self.bands)
        let ws = workspace
        let floor = log(Self.logOffset)
        samples.withUnsafeBufferPointer { x in
            for f in 0..<count {
                let start = f * Self.hopLength, n = min(Self.frameLength, x.count - start)
                for i in 0..<n { ws.frame[i] = x[start + i] * ws.window[i] }
                for i in n..<Self.frameLength { ws.frame[i] = 0 }
                ws.frame.withUnsafeBufferPointer { frame in
                    ws.magnitudes.withUnsafeMutableBufferPointer { ws.fft.magnitudes(of: frame, into: $0) }
                }
                ws.magnitudes.withUnsafeBufferPointer { magnitudes in
                    ws.mel.withUnsafeMutableBufferPointer { ws.filterbank.apply(magnitudes, into: $0) }
                }
                for band in 0..<Self.bands { out[f * Self.bands + band] = log(ws.mel[band] + Self.logOffset) - floor }
            }
        }
        return out
    }

    /// Scratch buffers and the FFT, allocated once per extractor.
    final class Workspace {
        let fft: RealFFT
        let filterbank = MelFilterbank(
            bands: LogMelAudioExtractor.bands, fftSize: LogMelAudioExtractor.fftSize, sampleRate: featureAudioSampleRate,
            lowHz: LogMelAudioExtractor.lowHz, highHz: LogMelAudioExtractor.highHz)
        /// Periodic Hann window: 0.5 − 0.5·cos(2πn/N). [400]
        let window = (0..<LogMelAudioExtractor.frameLength).map {
            Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(LogMelAudioExtractor.frameLength)))
        }
        var frame = [Float](repeating: 0, count: LogMelAudioExtractor.frameLength)  // [400]
        var magnitudes = [Float](repeating: 0, count: LogMelAudioExtractor.fftSize / 2 + 1)  // [257]
        var mel = [Float](repeating: 0, count: LogMelAudioExtractor.bands)  // [64]

        init(fft: RealFFT) { self.fft = fft }
    }
}
