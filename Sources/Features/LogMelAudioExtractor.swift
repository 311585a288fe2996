// The built-in audio extractor: VGGish's log-mel front end, summarised over each window by mean and spread.
// Legend: N samples in a window; F frames (25 ms, 10 ms hop); B = 64 mel bands.
import Foundation
import Media

/// VGGish's front end on 16 kHz mono: 25 ms periodic Hann frames every 10 ms, |FFT| of 512 points (libavutil
/// `av_tx`), 64 mel bands from 125 to 7500 Hz, log(mel + 0.01). Each window's frames are summarised as the mean
/// of every band followed by its standard deviation (128 values).
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

    /// The mean and standard deviation over the window's frames of each band's log-mel value: [2·B].
    public func extract(window: ArraySlice<Float>) throws -> [Float] {
        let frames = logMelFrames(window)  // [F, B]
        let b = Self.bands, count = frames.count / b
        var out = [Float](repeating: 0, count: dimension)
        guard count > 0 else { return out }
        for band in 0..<b {
            var sum: Double = 0, sumSquares: Double = 0
            for f in 0..<count {
                let v = Double(frames[f * b + band])
                sum += v
                sumSquares += v * v
            }
            let mean = sum / Double(count)
            out[band] = Float(mean) * Self.outputScale
            out[b + band] = Float(max(0, sumSquares / Double(count) - mean * mean).squareRoot()) * Self.outputScale
        }
        return out
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
