// RealFFT: libavutil's av_tx real-to-complex FFT, so the Features stage never needs a hand-written one.
import CFFmpeg

/// A forward real FFT of a fixed power-of-two size, on libavutil's `av_tx` (`AV_TX_FLOAT_RDFT`, unscaled).
/// Owns its transform context and its aligned buffers; not thread-safe (one per extractor).
public final class RealFFT {
    /// Number of real input samples; the spectrum has `size / 2 + 1` bins.
    public let size: Int
    private var context: OpaquePointer?
    private let transform: av_tx_fn
    private let input: UnsafeMutablePointer<Float>  // [size]
    private let output: UnsafeMutablePointer<Float>  // [size / 2 + 1, 2]: re, im

    /// A transform of `size` samples (a power of two from 2 to 2^20); nil if libavutil cannot make one.
    public init?(size: Int) {
        guard size >= 2, size <= 1 << 20, size & (size - 1) == 0 else { return nil }
        var context: OpaquePointer?
        var transform: av_tx_fn?
        var scale: Float = 1
        guard av_tx_init(&context, &transform, AV_TX_FLOAT_RDFT, 0, Int32(size), &scale, 0) >= 0,
            let context, let transform,
            let input = av_malloc(size * MemoryLayout<Float>.size),
            let output = av_malloc((size / 2 + 1) * 2 * MemoryLayout<Float>.size)
        else {
            av_tx_uninit(&context)
            return nil
        }
        self.size = size
        self.context = context
        self.transform = transform
        self.input = input.bindMemory(to: Float.self, capacity: size)
        self.output = output.bindMemory(to: Float.self, capacity: (size / 2 + 1) * 2)
    }

    deinit {
        av_tx_uninit(&context)
        av_free(input)
        av_free(output)
    }

    /// Number of spectrum bins: `size / 2 + 1`.
    public var binCount: Int { size / 2 + 1 }

    /// The spectrum of `samples` (at most `size`, zero-padded), interleaved re, im: [size / 2 + 1, 2].
    public func spectrum(of samples: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        load(samples)
        return UnsafeBufferPointer(start: output, count: binCount * 2)
    }

    /// Writes |X_k| for k = 0…size/2 of `samples` (at most `size`, zero-padded) into `magnitudes`.
    public func magnitudes(of samples: UnsafeBufferPointer<Float>, into magnitudes: UnsafeMutableBufferPointer<Float>) {
        load(samples)
        for k in 0..<min(binCount, magnitudes.count) {
            let re = output[2 * k], im = output[2 * k + 1]
            magnitudes[k] = (re * re + im * im).squareRoot()
        }
    }

    private func load(_ samples: UnsafeBufferPointer<Float>) {
        let n = min(samples.count, size)
        if let base = samples.baseAddress { input.update(from: base, count: n) }
        if n < size { (input + n).update(repeating: 0, count: size - n) }
        transform(context, output, input, MemoryLayout<Float>.size)
        // The DC and Nyquist bins of a real signal are real; libavutil 57 leaves the Nyquist imaginary unwritten.
        output[1] = 0
        output[2 * (size / 2) + 1] = 0
    }
}
