// Inference-only BiLSTM + masked attention pooling of one AttentionLSTM branch in bounded memory (docs/models.md,
// "Inference memory"). The same arithmetic as BiLSTM.forward then AttentionPooling.forward, but nothing of size
// [N, 4H] or [N, 2H] is kept:
// - the input projection x W_ihᵀ + b_ih + b_hh is made per chunk of steps (≤ `chunkRows` rows) just before use;
// - each direction keeps only its running videos' previous h and c ([B, H] each);
// - the two directions run at once and meet in the middle: for a video of L steps the forward direction first runs
//   t < ⌈L/2⌉ and the backward one t ≥ ⌈L/2⌉, each writing its h into one shared [N, H] history (disjoint rows) and
//   its share of every attention score (h · w_att half) into [N]; then each runs the other half, where the other
//   direction's h and score of the same t are already there, and accumulates the softmax-weighted sum of [h_f; h_b]
//   online (running maximum, rescaled sums). The two partial sums are merged at the end.
// Softmax with its running maximum subtracted equals Paddle's exp(s) / Σ exp(s) (spec §2.2) within float rounding
// (and stays finite where exp(s) would overflow). Each video's arithmetic depends on its own length only, so a
// batched pass equals one video at a time.
// Legend: N packed rows, B videos, E input width, H hidden width, R rows of a chunk.
import Foundation
import Tensor

/// Scratch of one direction of `PooledBiLSTM`, reused by every branch that runs after another.
final class PooledDirectionBuffers {
    let inputs = Scratch()  // [R, E] a chunk's input rows, in (step, running video) order
    let gates = Scratch()  // [R, 4H] the chunk's pre-activations, then the activated i, f, g, o of a step
    let state = Scratch()  // [B, H] h_{t−1}, row j = the j-th running video
    let cell = Scratch()  // [B, H] c_{t−1}
    let recurrent = Scratch()  // [B, 4H] h_{t−1} W_hhᵀ
    let scores = Scratch()  // [N] h_t · (this direction's half of w_att)
    let sums = Scratch()  // [B, 2H] Σ exp(s_t − peak) [h_f; h_b]_t over this direction's second half
    let peaks = Scratch()  // [B] running maximum of s_t
    let weights = Scratch()  // [B] Σ exp(s_t − peak)

    func reserve(rows: Int, videos: Int, hidden: Int, input: Int, chunkRows: Int) {
        inputs.reserve(chunkRows * input)
        gates.reserve(chunkRows * 4 * hidden)
        for buffer in [state, cell] { buffer.reserve(videos * hidden) }
        recurrent.reserve(videos * 4 * hidden)
        scores.reserve(rows)
        sums.reserve(videos * 2 * hidden)
        peaks.reserve(videos)
        weights.reserve(videos)
    }
}

/// Everything `PooledBiLSTM` needs besides its input: the [N, H] history and each direction's scratch.
final class PooledBiLSTMBuffers {
    let history = Scratch()  // [N, H] h_f for t < ⌈L/2⌉, h_b for t ≥ ⌈L/2⌉
    let directions = [PooledDirectionBuffers(), PooledDirectionBuffers()]

    /// Rows of a chunk of the input projection (`RowGemm`, which packs nothing, so small chunks cost no more):
    /// 64 × 4H floats is 1 MB at H = 1024.
    static let chunkRows = 64

    func reserve(rows: Int, videos: Int, hidden: Int, input: Int) {
        history.reserve(rows * hidden)
        for direction in directions {
            direction.reserve(rows: rows, videos: videos, hidden: hidden, input: input, chunkRows: Self.chunkRows)
        }
    }
}

/// A BiLSTM followed by attention pooling, for inference only (no gradients, no dropout).
struct PooledBiLSTM {
    let lstm: BiLSTM
    let attention: AttentionPooling

    /// pooled [B, ·] (2H columns at row stride `pooledStride`) = attention pooling of the BiLSTM over packed x [N, E].
    /// Both directions run concurrently when `concurrently`.
    func forward(
        pooled: UnsafeMutablePointer<Float>, pooledStride: Int, x: UnsafePointer<Float>, seqs: PackedSequences,
        buffers: PooledBiLSTMBuffers, concurrently: Bool
    ) {
        let hid = lstm.hidden
        let directions = [lstm.forwardDirection, lstm.backwardDirection]
        let bias = attention.bias.value.scalars[0]
        for b in buffers.directions {
            b.state.zero(seqs.count * hid)
            b.cell.zero(seqs.count * hid)
            b.sums.zero(seqs.count * 2 * hid)
            b.weights.zero(seqs.count)
            b.peaks.pointer.update(repeating: -.infinity, count: seqs.count)
        }
        attention.weight.withValue { watt in
            for half in [false, true] {
                forEachBranch(2, concurrently: concurrently) { d in
                    let other = buffers.directions[1 - d]
                    directions[d].runHalf(
                        second: half, x: x, seqs: seqs, buffers: buffers.directions[d], history: buffers.history.pointer,
                        attention: watt + (d == 0 ? 0 : hid), otherScores: other.scores.pointer, scoreBias: bias)
                }
            }
        }
        // Merge the two directions' partial sums: pooled = (S_f e^{m_f − m} + S_b e^{m_b − m}) / (Z_f … + Z_b …).
        let (f, b) = (buffers.directions[0], buffers.directions[1])
        for j in 0..<seqs.count {
            let video = seqs.order[j]
            let out = pooled + video * pooledStride
            let peak = max(f.peaks.pointer[j], b.peaks.pointer[j])
            let scaleF: Float = f.weights.pointer[j] > 0 ? expf(f.peaks.pointer[j] - peak) : 0
            let scaleB: Float = b.weights.pointer[j] > 0 ? expf(b.peaks.pointer[j] - peak) : 0
            let total = f.weights.pointer[j] * scaleF + b.weights.pointer[j] * scaleB
            guard total > 0 else {  // a video without rows pools to zeros, as AttentionPooling does
                out.update(repeating: 0, count: 2 * hid)
                continue
            }
            let (sf, sb) = (f.sums.pointer + j * 2 * hid, b.sums.pointer + j * 2 * hid)
            for k in 0..<2 * hid { out[k] = (sf[k] * scaleF + sb[k] * scaleB) / total }
        }
    }
}

extension LSTMDirection {
    /// Steps of video `video` (length `length`) this direction runs in the first or second half: the forward
    /// direction runs t < ⌈L/2⌉ first, the backward one t ≥ ⌈L/2⌉.
    @inline(__always)
    private func steps(length: Int, second: Bool) -> Int {
        let early = (length + 1) / 2
        return reverse != second ? length - early : early
    }

    /// Time t of step u of a half, for a video of `length` rows.
    @inline(__always)
    private func time(step u: Int, length: Int, second: Bool) -> Int {
        let early = (length + 1) / 2
        switch (reverse, second) {
        case (false, false): return u
        case (false, true): return early + u
        case (true, false): return length - 1 - u
        case (true, true): return early - 1 - u
        }
    }

    /// One half of `PooledBiLSTM` for this direction: the recurrence over its steps with the input projection per
    /// chunk; the first half writes h into `history` and its score share into `buffers.scores`, the second also
    /// accumulates the attention sums from the other direction's history rows and `otherScores`.
    func runHalf(
        second: Bool, x: UnsafePointer<Float>, seqs: PackedSequences, buffers: PooledDirectionBuffers,
        history: UnsafeMutablePointer<Float>, attention: UnsafePointer<Float>, otherScores: UnsafePointer<Float>,
        scoreBias: Float
    ) {
        let (hid, g4, e) = (hidden, 4 * hidden, inputWidth)
        let counts = seqs.order.map { steps(length: seqs.lengths[$0], second: second) }  // non-increasing in j
        let longest = counts.first ?? 0
        func active(_ u: Int) -> Int {
            var j = 0
            while j < counts.count && counts[j] > u { j += 1 }
            return j
        }
        let (state, cell, recurrent) = (buffers.state.pointer, buffers.cell.pointer, buffers.recurrent.pointer)
        let (inputs, gates, scores) = (buffers.inputs.pointer, buffers.gates.pointer, buffers.scores.pointer)
        var u0 = 0
        while u0 < longest {
            // A chunk of steps [u0, u1) of at most chunkRows rows (at least one step): gather, project, add biases.
            var (u1, rows) = (u0, 0)
            var actives: [Int] = []
            while u1 < longest {
                let a = active(u1)
                if rows > 0 && rows + a > PooledBiLSTMBuffers.chunkRows { break }
                actives.append(a)
                rows += a
                u1 += 1
            }
            var r = 0
            for (offset, a) in actives.enumerated() {
                for j in 0..<a {
                    let video = seqs.order[j]
                    let t = time(step: u0 + offset, length: seqs.lengths[video], second: second)
                    (inputs + r * e).update(from: x + (seqs.offsets[video] + t) * e, count: e)
                    r += 1
                }
            }
            weightIH.withValue { w in  // OpenBLAS would re-pack W_ih (8 MB) for every chunk
                RowGemm.multiply(m: rows, n: g4, k: e, a: inputs, lda: e, w: w, ldw: e, c: gates, ldc: g4)
            }
            biasIH.withValue { Elementwise.addRowVector($0, to: gates, rows: rows, columns: g4) }
            biasHH.withValue { Elementwise.addRowVector($0, to: gates, rows: rows, columns: g4) }
            r = 0
            weightHH.withValue { whh in
                for (offset, a) in actives.enumerated() {
                    let u = u0 + offset
                    let first = !second && u == 0  // no previous step: zero state, c = i·g
                    if !first {  // recurrent [a, 4H] = h_{t−1} W_hhᵀ
                        RowGemm.multiply(m: a, n: g4, k: hid, a: state, lda: hid, w: whh, ldw: hid, c: recurrent, ldc: g4)
                    }
                    for j in 0..<a {
                        let video = seqs.order[j]
                        let row = seqs.offsets[video] + time(step: u, length: seqs.lengths[video], second: second)
                        let gate = gates + (r + j) * g4
                        if !first {
                            let rec = recurrent + j * g4
                            for k in 0..<g4 { gate[k] += rec[k] }
                        }
                        Elementwise.sigmoid(gate, count: 2 * hid)
                        Elementwise.tanh(gate + 2 * hid, count: hid)
                        Elementwise.sigmoid(gate + 3 * hid, count: hid)
                        let (i, f, g, o) = (gate, gate + hid, gate + 2 * hid, gate + 3 * hid)
                        let c = cell + j * hid
                        if first {
                            for k in 0..<hid { c[k] = i[k] * g[k] }
                        } else {
                            for k in 0..<hid { c[k] = f[k] * c[k] + i[k] * g[k] }
                        }
                        let h = state + j * hid  // h_t replaces h_{t−1} once this step's product has read it
                        h.update(from: c, count: hid)
                        Elementwise.tanh(h, count: hid)
                        for k in 0..<hid { h[k] *= o[k] }
                        scores[row] = Elementwise.dot(h, attention, count: hid)
                        if second {
                            accumulate(slot: j, h: h, other: history + row * hid, score: scores[row] + otherScores[row] + scoreBias, buffers: buffers)
                        } else {
                            (history + row * hid).update(from: h, count: hid)
                        }
                    }
                    r += a
                }
            }
            u0 = u1
        }
    }

    /// Online softmax: adds exp(score − peak) · [h_f; h_b] to slot j's sums, rescaling them when the peak rises.
    @inline(__always)
    private func accumulate(
        slot j: Int, h: UnsafePointer<Float>, other: UnsafePointer<Float>, score: Float, buffers: PooledDirectionBuffers
    ) {
        let hid = hidden
        let sums = buffers.sums.pointer + j * 2 * hid
        let peak = buffers.peaks.pointer + j
        let total = buffers.weights.pointer + j
        if score > peak.pointee {
            if total.pointee > 0 {
                let scale = expf(peak.pointee - score)
                Elementwise.scale(sums, count: 2 * hid, by: scale)
                total.pointee *= scale
            }
            peak.pointee = score
        }
        let weight = expf(score - peak.pointee)
        total.pointee += weight
        let (forward, backward) = reverse ? (other, h) : (h, other)
        Elementwise.axpy(weight, forward, sums, count: hid)
        Elementwise.axpy(weight, backward, sums + hid, count: hid)
    }
}
