// Shifting attention of AttentionCluster (PaddleCV models/attention_cluster/shifting_attention.py; spec §3.2).
//   scores [L, C] = x Wcᵀ + bc (the 1×1 conv); w = softmax over the L frames (max-subtracted), per cluster c
//   v_c = Σ_l w[l, c] x_l; s_c = v_c · shift_w[c] + shift_b[c]; o_c = s_c / sqrt(Σ_f s_c² + 1e-12) · float32(1/√C)
//   out = concat_c o_c, cluster-major (index c·F + f)
// Legend: N packed rows (Σ frames), B videos, F feature width, C clusters.
import Foundation
import Tensor

/// One modality's shifting attention: conv weight [C, F, 1, 1], conv bias [C], shift_w [C], shift_b [C].
struct ShiftingAttention {
    let convWeight: Parameter  // [C, F, 1, 1]
    let convBias: Parameter  // [C]
    let shiftWeight: Parameter  // [C]
    let shiftBias: Parameter  // [C]

    var clusters: Int { convWeight.value.shape[0] }
    var features: Int { convWeight.value.shape[1] }
    /// Output width C·F.
    var outputWidth: Int { clusters * features }
    /// The final scale, float32(1/sqrt(C)) as fluid's scale op stores it.
    var outputScale: Float { Float(1 / Double(clusters).squareRoot()) }

    static let epsilon: Float = 1e-12

    /// out [B, ·] (C·F columns at row stride `outStride`); w [N, C] softmax weights, v [B, C, F] pooled features and
    /// norms [B, C] are kept for backward; x [N, F].
    func forward(
        out: UnsafeMutablePointer<Float>, outStride: Int, w: UnsafeMutablePointer<Float>,
        v: UnsafeMutablePointer<Float>, norms: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, seqs: PackedSequences
    ) {
        let (c, f, n) = (clusters, features, seqs.total)
        convWeight.withValue { wc in sgemm(transposeB: true, m: n, n: c, k: f, a: x, lda: f, b: wc, ldb: f, c: w, ldc: c) }
        convBias.withValue { Elementwise.addRowVector($0, to: w, rows: n, columns: c) }
        for video in 0..<seqs.count {
            let (first, length) = (seqs.offsets[video], seqs.lengths[video])
            for k in 0..<c {  // softmax over this video's frames, per cluster (a strided column)
                var largest = -Float.infinity
                for t in first..<first + length { largest = max(largest, w[t * c + k]) }
                var sum: Float = 0
                for t in first..<first + length {
                    w[t * c + k] = expf(w[t * c + k] - largest)
                    sum += w[t * c + k]
                }
                for t in first..<first + length { w[t * c + k] /= sum }
            }
            // v [C, F] = wᵀ [C, L] x [L, F]
            let vb = v + video * c * f
            sgemm(transposeA: true, m: c, n: f, k: length, a: w + first * c, lda: c, b: x + first * f, ldb: f, c: vb, ldc: f)
        }
        let scale = outputScale
        shiftWeight.withValue { sw in
            shiftBias.withValue { sb in
                for video in 0..<seqs.count {
                    for k in 0..<c {
                        let vk = v + (video * c + k) * f
                        let o = out + video * outStride + k * f
                        var squares: Float = 0
                        for j in 0..<f {
                            o[j] = vk[j] * sw[k] + sb[k]
                            squares += o[j] * o[j]
                        }
                        let norm = (squares + Self.epsilon).squareRoot()
                        norms[video * c + k] = norm
                        for j in 0..<f { o[j] = o[j] / norm * scale }
                    }
                }
            }
        }
    }

    /// Parameter gradients accumulate given dOut [B, ·]. dv [B, C, F] and dw [N, C] are scratch. The input gradient is
    /// not computed (features are the network's input).
    func backward(
        dv: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>,
        dOut: UnsafePointer<Float>, outStride: Int, w: UnsafePointer<Float>, v: UnsafePointer<Float>,
        norms: UnsafePointer<Float>, x: UnsafePointer<Float>, seqs: PackedSequences
    ) {
        let (c, f, n) = (clusters, features, seqs.total)
        let scale = outputScale
        shiftWeight.withValue { sw in
            shiftBias.withValue { sb in
                shiftWeight.withGradient { dsw in
                    shiftBias.withGradient { dsb in
                        for video in 0..<seqs.count {
                            for k in 0..<c {
                                let vk = v + (video * c + k) * f
                                let dOutK = dOut + video * outStride + k * f
                                let dvk = dv + (video * c + k) * f
                                let norm = norms[video * c + k]
                                // u = s / norm; du = dOut · scale; ds = (du − u (u·du)) / norm
                                var projection: Float = 0
                                for j in 0..<f { projection += (vk[j] * sw[k] + sb[k]) / norm * dOutK[j] * scale }
                                for j in 0..<f {
                                    let u = (vk[j] * sw[k] + sb[k]) / norm
                                    let ds = (dOutK[j] * scale - u * projection) / norm
                                    dsw[k] += ds * vk[j]
                                    dsb[k] += ds
                                    dvk[j] = ds * sw[k]
                                }
                            }
                        }
                    }
                }
            }
        }
        for video in 0..<seqs.count {
            let (first, length) = (seqs.offsets[video], seqs.lengths[video])
            // dw [L, C] = x [L, F] dvᵀ [F, C]
            sgemm(
                transposeB: true, m: length, n: c, k: f, a: x + first * f, lda: f, b: dv + video * c * f, ldb: f,
                c: dw + first * c, ldc: c)
            for k in 0..<c {  // softmax backward per cluster column
                var weighted: Float = 0
                for t in first..<first + length { weighted += w[t * c + k] * dw[t * c + k] }
                for t in first..<first + length { dw[t * c + k] = w[t * c + k] * (dw[t * c + k] - weighted) }
            }
        }
        // Through the 1×1 conv: dWc [C, F] += dscoresᵀ x; dbc += Σ dscores.
        convWeight.withGradient { dwc in
            sgemm(transposeA: true, m: c, n: f, k: n, a: dw, lda: c, b: x, ldb: f, beta: 1, c: dwc, ldc: f)
        }
        convBias.withGradient { Elementwise.accumulateColumnSums(of: dw, rows: n, columns: c, into: $0) }
    }
}
