// FeatureRecord: one video's frame features as every feature-file reader yields them.
import Foundation
import Tensor

/// One video's features: dequantised Float32 rows per modality, plus its id and labels.
public struct FeatureRecord: Sendable, Equatable {
    /// The video id (YouTube-8M's anonymised id, a file name, …).
    public var id: String
    public var rgb: Tensor    // [T, Drgb]
    public var audio: Tensor  // [T', Daudio]
    /// Class indices (empty when unknown).
    public var labels: [Int]
    /// Seconds of each rgb row, when the file records them (Vigil's safetensors).
    public var timestamps: [Float]?

    public init(id: String, rgb: Tensor, audio: Tensor, labels: [Int] = [], timestamps: [Float]? = nil) {
        self.id = id
        self.rgb = rgb
        self.audio = audio
        self.labels = labels
        self.timestamps = timestamps
    }
}

/// YouTube-8M's 8-bit quantisation of features in [-2, 2] (spec §1.2).
public enum Quantization {
    static let scale = 4.0 / 255.0
    static let bias = 4.0 / 512.0 - 2.0

    /// PaddleVideo's dequantisation, bit for bit: float64 multiply, then add, then round to Float32.
    @inline(__always)
    public static func dequantize(_ q: UInt8) -> Float {
        let product = Double(q) * scale  // a separate statement: no fused multiply-add
        return Float(product + bias)
    }

    /// The byte whose dequantised value is nearest to `x` (clamped to 0…255).
    public static func quantize(_ x: Float) -> UInt8 {
        let q = ((Double(x) - bias) / scale).rounded()
        guard q.isFinite else { return x > 0 ? 255 : 0 }
        return UInt8(min(255, max(0, q)))
    }

    /// Dequantised rows of `bytes` laid out [rows, dimension].
    static func tensor(_ bytes: some Collection<UInt8>, rows: Int, dimension: Int) -> Tensor {
        Tensor(shape: [rows, dimension], scalars: bytes.map(dequantize))
    }
}
