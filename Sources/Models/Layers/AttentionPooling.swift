// Masked attention pooling of AttentionLstmHead (PaddleVideo paddlevideo/modeling/heads/attention_lstm_head.py;
// spec §2.2): s = d W_att + b_att; ex = exp(s) (no max-subtraction); r = 1 / Σ_t ex; a = ex · r; p = Σ_t d_t a_t.
// Packed rows hold only valid steps, so the mask is implicit.
// Legend: N packed rows, B videos, W = 2H pooled width.
import Foundation
import Tensor

/// Attention-weighted sum over each video's steps; att_fc weight [W, 1], bias [1].
struct AttentionPooling {
    let weight: Parameter  // [W, 1]
    let bias: Parameter  // [1]

    var width: Int { weight.value.shape[0] }

    /// pooled [B, ·] (W columns at row stride `pooledStride`) = Σ_t a_t d_t; a [N] keeps the attention weights.
    func forward(
        pooled: UnsafeMutablePointer<Float>, pooledStride: Int, a: UnsafeMutablePointer<Float>,
        d: UnsafePointer<Float>, seqs: PackedSequences
    ) {
        let w = width
        weight.withValue { watt in sgemm(m: seqs.total, n: 1, k: w, a: d, lda: w, b: watt, ldb: 1, c: a, ldc: 1) }
        let b = bias.value.scalars[0]
        for video in 0..<seqs.count {
            let (first, length) = (seqs.offsets[video], seqs.lengths[video])
            var denominator: Float = 0
            for t in first..<first + length {
                a[t] = expf(a[t] + b)
                denominator += a[t]
            }
            let reciprocal = 1 / denominator
            let out = pooled + video * pooledStride
            out.update(repeating: 0, count: w)
            for t in first..<first + length {
                a[t] *= reciprocal
                let row = d + t * w
                for k in 0..<w { out[k] += row[k] * a[t] }
            }
        }
    }

    /// dd [N, W] += d loss/dd given dPooled [B, ·]; da [N] is scratch. Parameter gradients accumulate.
    func backward(
        dd: UnsafeMutablePointer<Float>, da: UnsafeMutablePointer<Float>,
        dPooled: UnsafePointer<Float>, pooledStride: Int, a: UnsafePointer<Float>, d: UnsafePointer<Float>,
        seqs: PackedSequences
    ) {
        let w = width
        for video in 0..<seqs.count {
            let (first, length) = (seqs.offsets[video], seqs.lengths[video])
            let dp = dPooled + video * pooledStride
            var weighted: Float = 0  // Σ_u a_u da_u
            for t in first..<first + length {
                da[t] = Elementwise.dot(d + t * w, dp, count: w)
                weighted += a[t] * da[t]
                Elementwise.axpy(a[t], dp, dd + t * w, count: w)
            }
            for t in first..<first + length { da[t] = a[t] * (da[t] - weighted) }  // d loss / d score
        }
        // Through the score layer: dd += ds W_attᵀ, dW_att += dᵀ ds, db_att += Σ ds.
        Linear.backward(dx: dd, weight: weight, bias: bias, dy: da, x: d, rows: seqs.total)
    }
}
