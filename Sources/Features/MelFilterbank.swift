// The VGGish mel filterbank: triangular bands evenly spaced on the HTK mel scale, applied to a magnitude spectrum.
import Foundation

/// Triangular mel filters over the bins of a real FFT, as in VGGish's front end
/// (`mel = 1127·ln(1 + f/700)`, band edges evenly spaced in mel between `lowHz` and `highHz`, DC bin unused).
struct MelFilterbank {
    let bands: Int
    let binCount: Int
    /// weights[band * binCount + bin]; [bands, bins]
    let weights: [Float]
    /// For each band, the bins with a non-zero weight.
    let support: [Range<Int>]

    static func mel(hertz: Double) -> Double { 1127 * log(1 + hertz / 700) }

    init(bands: Int, fftSize: Int, sampleRate: Int, lowHz: Double, highHz: Double) {
        self.bands = bands
        let binCount = fftSize / 2 + 1
        self.binCount = binCount
        let nyquist = Double(sampleRate) / 2
        let binMel = (0..<binCount).map { Self.mel(hertz: nyquist * Double($0) / Double(binCount - 1)) }
        let lowMel = Self.mel(hertz: lowHz), highMel = Self.mel(hertz: highHz)
        let edges = (0..<(bands + 2)).map { lowMel + (highMel - lowMel) * Double($0) / Double(bands + 1) }
        var weights = [Float](repeating: 0, count: bands * binCount)
        var support: [Range<Int>] = []
        for band in 0..<bands {
            let lower = edges[band], center = edges[band + 1], upper = edges[band + 2]
            var first = binCount, last = 0
            for bin in 1..<binCount {  // bin 0 (DC) carries no weight
                let rising = (binMel[bin] - lower) / (center - lower)
                let falling = (upper - binMel[bin]) / (upper - center)
                let w = max(0, min(rising, falling))
                if w > 0 {
                    weights[band * binCount + bin] = Float(w)
                    first = min(first, bin)
                    last = max(last, bin)
                }
            }
            support.append(first <= last ? first..<(last + 1) : 0..<0)
        }
        self.weights = weights
        self.support = support
    }

    /// The centre frequency of `band` in hertz.
    static func centerHertz(band: Int, bands: Int, lowHz: Double, highHz: Double) -> Double {
        let lowMel = mel(hertz: lowHz), highMel = mel(hertz: highHz)
        let m = lowMel + (highMel - lowMel) * Double(band + 1) / Double(bands + 1)
        return 700 * (exp(m / 1127) - 1)
    }

    /// mel[band] = Σ_bin weights[band, bin] · magnitudes[bin].
    func apply(_ magnitudes: UnsafeBufferPointer<Float>, into mel: UnsafeMutableBufferPointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            for band in 0..<bands {
                var sum: Float = 0
                for bin in support[band] { sum += w[band * binCount + bin] * magnitudes[bin] }
                mel[band] = sum
            }
        }
    }
}
