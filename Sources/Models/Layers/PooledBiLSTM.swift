// Inference-only BiLSTM + masked attention pooling of one AttentionLSTM branch in bounded memory (docs/models.md,
// "Recurrent kernel"). The same arithmetic as BiLSTM.forward then AttentionPooling.forward, but nothing of size
// [N, 4H] or [N, 2H] is kept:
// - the input projection x W_ihᵀ + b_ih + b_hh is made per chunk of steps (≤ `chunkRows` rows) just before use;
// - each direction keeps only its running videos' previous h and c ([H, B] and [B, H]);
// - both products run on `PanelGemm` panels of W_ih and W_hh: the weights themselves when they were laid out as
//   panels at load (`AttentionLSTM.layOutForInference`, no second copy), else packed once per pass into scratch;
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
    let inputs = Scratch()  // [E, R] a chunk's input rows, in (step, running video) order, K-major for PanelGemm
    let gates = Scratch()  // [R, 4H] the chunk's pre-activations, then the activated i, f, g, o of a step
    let state = Scratch()  // [H, B] h_{t−1} transposed: column j = the j-th running video
    let cell = Scratch()  // [B, H] c_{t−1}
    let hidden = Scratch()  // [H] h_t of the video being stepped
    let recurrent = Scratch()  // [B, 4H] h_{t−1} W_hhᵀ
    let panelsIH = Scratch()  // W_ih [4H, E] packed for PanelGemm, when the weights are row-major (else unused)
    let panelsHH = Scratch()  // W_hh [4H, H] likewise
    let scores = Scratch()  // [N] h_t · (this direction's half of w_att)
    let sums = Scratch()  // [B, 2H] Σ exp(s_t − peak) [h_f; h_b]_t over this direction's second half
    let peaks = Scratch()  // [B] running maximum of s_t
    let weights = Scratch()  // [B] Σ exp(s_t − peak)

    func reserve(rows: Int, videos: Int, hidden: Int, input: Int, chunkRows: Int) {
        inputs.reserve(chunkRows * input)
        gates.reserve(chunkRows * 4 * hidden)
        for buffer in [state, cell] { buffer.reserve(videos * hidden) }
        self.hidden.reserve(hidden)
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

    /// Rows of a chunk of the input projection (`PanelGemm`, which packs nothing per call, so small chunks cost no
    /// more): 64 × 4H floats is 1 MB at H = 1024.
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
        let (f, b) = (buffers.directions[0], buffers.directions[1])
        directions[0].withPanels(buffers: f) { forwardIH, forwardHH in
            directions[1].withPanels(buffers: b) { backwardIH, backwardHH in
                attention.weight.withValue { watt in
                    for half in [false, true] {
                        forEachBranch(2, concurrently: concurrently) { d in
                            directions[d].runHalf(
                                second: half, x: x, seqs: seqs, buffers: buffers.directions[d],
                                panelsIH: d == 0 ? forwardIH : backwardIH, panelsHH: d == 0 ? forwardHH : backwardHH,
                                history: buffers.history.pointer, attention: watt + (d == 0 ? 0 : hid),
                                otherScores: buffers.directions[1 - d].scores.pointer, scoreBias: bias)
                        }
                    }
                }
            }
        }
        // Merge the two directions' partial sums: pooled = (S_f e^{m_f − m} + S_b e^{m_b − m}) / (Z_f … + Z_b …).
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
    /// Whether W_ih and W_hh are `PanelGemm` panels [⌈4H/16⌉, ·, 16] (laid out at load for inference), not row-major.
    var weightsArePanels: Bool { weightHH.value.shape.count == 3 }

    /// Runs `body` with W_ih's and W_hh's panels: the weights themselves when laid out at load, else packed now into
    /// `buffers`' scratch (a model that also trains keeps them row-major).
    func withPanels<R>(
        buffers: PooledDirectionBuffers, _ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> R
    ) -> R {
        guard !weightsArePanels else {
            return weightIH.withValue { wih in weightHH.withValue { whh in body(wih, whh) } }
        }
        let (g4, e, hid) = (4 * hidden, inputWidth, hidden)
        buffers.panelsIH.reserve(PanelGemm.packedCount(rows: g4, columns: e))
        buffers.panelsHH.reserve(PanelGemm.packedCount(rows: g4, columns: hid))
        weightIH.withValue { PanelGemm.pack($0, rows: g4, columns: e, into: buffers.panelsIH.pointer) }
        weightHH.withValue { PanelGemm.pack($0, rows: g4, columns: hid, into: buffers.panelsHH.pointer) }
        return body(buffers.panelsIH.pointer, buffers.panelsHH.pointer)
    }

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
        panelsIH: UnsafePointer<Float>, panelsHH: UnsafePointer<Float>, history: UnsafeMutablePointer<Float>,
        attention: UnsafePointer<Float>, otherScores: UnsafePointer<Float>, scoreBias: Float
    ) {
        let (hid, g4, e, videos) = (hidden, 4 * hidden, inputWidth, seqs.count)
        let counts = seqs.order.map { steps(length: seqs.lengths[$0], second: second) }  // non-increasing in j
        let longest = counts.first ?? 0
        func active(_ u: Int) -> Int {
            var j = 0
            while j < counts.count && counts[j] > u { j += 1 }
            return j
        }
        let (state, cell, h) = (buffers.state.pointer, buffers.cell.pointer, buffers.hidden.pointer)
        let recurrent = buffers.recurrent.pointer
        let (inputs, gates, scores) = (buffers.inputs.pointer, buffers.gates.pointer, buffers.scores.pointer)
        let (sums, peaks, totals) = (buffers.sums.pointer, buffers.peaks.pointer, buffers.weights.pointer)
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
            for (offset, a) in actives.enumerated() {  // inputs [E, rows]: column r = the chunk's row r
                for j in 0..<a {
                    let video = seqs.order[j]
                    let t = time(step: u0 + offset, length: seqs.lengths[video], second: second)
                    let source = x + (seqs.offsets[video] + t) * e
                    for k in 0..<e { inputs[k * rows + r] = source[k] }
                    r += 1
                }
            }
            // gates [rows, 4H] = chunk W_ihᵀ (OpenBLAS would re-pack W_ih, 8 MB, for every chunk)
            PanelGemm.multiply(m: rows, n: g4, k: e, aT: inputs, lda: rows, panels: panelsIH, c: gates, ldc: g4)
            biasIH.withValue { Elementwise.addRowVector($0, to: gates, rows: rows, columns: g4) }
            biasHH.withValue { Elementwise.addRowVector($0, to: gates, rows: rows, columns: g4) }
            r = 0
            for (offset, a) in actives.enumerated() {
                let u = u0 + offset
                let first = !second && u == 0  // no previous step: zero state, c = i·g
                if !first {  // recurrent [a, 4H] = h_{t−1} W_hhᵀ
                    PanelGemm.multiply(
                        m: a, n: g4, k: hid, aT: state, lda: videos, panels: panelsHH, c: recurrent, ldc: g4)
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
                    h.update(from: c, count: hid)
                    Elementwise.tanh(h, count: hid)
                    for k in 0..<hid {  // h_t replaces h_{t−1} in the state once this step's product has read it
                        h[k] *= o[k]
                        state[k * videos + j] = h[k]
                    }
                    scores[row] = Elementwise.dot(h, attention, count: hid)
                    if second {
                        accumulate(
                            h: h, other: history + row * hid, score: scores[row] + otherScores[row] + scoreBias,
                            sums: sums + j * 2 * hid, peak: peaks + j, total: totals + j, hidden: hid)
                    } else {
                        (history + row * hid).update(from: h, count: hid)
                    }
                }
                r += a
            }
            u0 = u1
        }
    }

    /// Online softmax of one running video: adds exp(score − peak) · [h_f; h_b] to its sums [2H], rescaling them and
    /// its total when its peak rises.
    @inline(__always)
    private func accumulate(
        h: UnsafePointer<Float>, other: UnsafePointer<Float>, score: Float, sums: UnsafeMutablePointer<Float>,
        peak: UnsafeMutablePointer<Float>, total: UnsafeMutablePointer<Float>, hidden hid: Int
    ) {
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
