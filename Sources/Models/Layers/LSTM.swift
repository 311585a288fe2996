// One direction of paddle.nn.LSTM (num_layers 1, zero initial state) over packed sequences (spec §2.3).
// Gates in Paddle's order i, f, g(c̃), o:  g = x W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh
//   c_t = σ(f)·c_{t−1} + σ(i)·tanh(g),  h_t = σ(o)·tanh(c_t)
// The reverse direction starts at each sequence's own last valid step; rows past a length do not exist (packed).
// Legend: N packed rows, B videos, E input width, H hidden width, S row stride of the output (H or 2H).
import Tensor

/// One LSTM direction: W_ih [4H, E], W_hh [4H, H], b_ih [4H], b_hh [4H] (Paddle's `weight_ih_l0[_reverse]` …).
struct LSTMDirection {
    let weightIH: Parameter  // [4H, E]
    let weightHH: Parameter  // [4H, H]
    let biasIH: Parameter  // [4H]
    let biasHH: Parameter  // [4H]
    /// True for the backward-in-time direction.
    let reverse: Bool

    var hidden: Int { weightHH.value.shape[1] }
    var inputWidth: Int { weightIH.value.shape[1] }

    /// Packed row of video `video` (sorted position j) at step s, and of its previous step.
    @inline(__always)
    private func row(step s: Int, video: Int, in seqs: PackedSequences) -> Int {
        reverse ? seqs.offsets[video] + seqs.lengths[video] - 1 - s : seqs.offsets[video] + s
    }

    /// Runs the recurrence.
    /// - h [N, S]: hidden outputs (H columns written); gates [N, 4H]: activated i, f, g, o; cell [N, H]: c_t.
    /// - x [N, E]: inputs; state [H, B] (h_{t−1} transposed: column j is video j), recurrent [B, 4H] and
    ///   panels [`PanelGemm.packedCount(rows: 4H, columns: H)`]: scratch.
    /// The recurrent product h_{t−1} W_hhᵀ is `PanelGemm`'s: W_hh is packed into panels once per call, then every
    /// step streams it once for all running videos (OpenBLAS would re-pack it at every step).
    func forward(
        h: UnsafeMutablePointer<Float>, hStride: Int, gates: UnsafeMutablePointer<Float>,
        cell: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
        state: UnsafeMutablePointer<Float>, recurrent: UnsafeMutablePointer<Float>,
        panels: UnsafeMutablePointer<Float>, seqs: PackedSequences
    ) {
        let (hid, g4, e, n, videos) = (hidden, 4 * hidden, inputWidth, seqs.total, seqs.count)
        // Input projection for every step of every video at once: gates [N, 4H] = x W_ihᵀ + b_ih + b_hh.
        weightIH.withValue { w in
            sgemm(transposeB: true, m: n, n: g4, k: e, a: x, lda: e, b: w, ldb: e, c: gates, ldc: g4)
        }
        biasIH.withValue { Elementwise.addRowVector($0, to: gates, rows: n, columns: g4) }
        biasHH.withValue { Elementwise.addRowVector($0, to: gates, rows: n, columns: g4) }
        weightHH.withValue { PanelGemm.pack($0, rows: g4, columns: hid, into: panels) }
        do {
            for s in 0..<seqs.maxLength {
                let active = seqs.activeCounts[s]
                if s > 0 {  // recurrent [active, 4H] = h_{s−1} W_hhᵀ (the state is zero at s = 0)
                    PanelGemm.multiply(
                        m: active, n: g4, k: hid, aT: state, lda: videos, panels: panels, c: recurrent, ldc: g4)
                }
                for j in 0..<active {
                    let video = seqs.order[j]
                    let r = row(step: s, video: video, in: seqs)
                    let gate = gates + r * g4  // pre-activations in, activated i, f, g, o out
                    if s > 0 {
                        let rec = recurrent + j * g4
                        for k in 0..<g4 { gate[k] += rec[k] }
                    }
                    Elementwise.sigmoid(gate, count: 2 * hid)
                    Elementwise.tanh(gate + 2 * hid, count: hid)
                    Elementwise.sigmoid(gate + 3 * hid, count: hid)
                    let c = cell + r * hid
                    let (i, f, g, o) = (gate, gate + hid, gate + 2 * hid, gate + 3 * hid)
                    if s > 0 {
                        let cPrev = cell + (reverse ? r + 1 : r - 1) * hid
                        for k in 0..<hid { c[k] = f[k] * cPrev[k] + i[k] * g[k] }
                    } else {
                        for k in 0..<hid { c[k] = i[k] * g[k] }
                    }
                    let out = h + r * hStride
                    out.update(from: c, count: hid)
                    Elementwise.tanh(out, count: hid)
                    for k in 0..<hid {
                        out[k] *= o[k]
                        state[k * videos + j] = out[k]
                    }
                }
            }
        }
    }

    /// Back-propagation through time.
    /// - dx [N, E] += d loss/dx; parameter gradients accumulate.
    /// - dGates [N, 4H]: scratch for pre-activation gate gradients; dState [B, H], dCell [B, H], stepGrad [B, 4H]:
    ///   scratch; stepGradT [4H, B] and panels [`PanelGemm.packedCount(rows: H, columns: 4H)`]: scratch.
    ///   dh [N, S]: d loss/d h (H columns read). h, gates, cell, x: as `forward` left them.
    /// The recurrent product d h_{t−1} = stepGrad W_hh is `PanelGemm`'s: W_hhᵀ is packed into panels once per call,
    /// then every step streams it once for all running videos (OpenBLAS would re-pack W_hh at every step).
    func backward(
        dx: UnsafeMutablePointer<Float>?, dGates: UnsafeMutablePointer<Float>,
        dState: UnsafeMutablePointer<Float>, dCell: UnsafeMutablePointer<Float>, stepGrad: UnsafeMutablePointer<Float>,
        stepGradT: UnsafeMutablePointer<Float>, panels: UnsafeMutablePointer<Float>,
        dh: UnsafePointer<Float>, h: UnsafePointer<Float>, hStride: Int, gates: UnsafePointer<Float>,
        cell: UnsafePointer<Float>, x: UnsafePointer<Float>, seqs: PackedSequences
    ) {
        let (hid, g4, e, n) = (hidden, 4 * hidden, inputWidth, seqs.total)
        dState.update(repeating: 0, count: seqs.count * hid)
        dCell.update(repeating: 0, count: seqs.count * hid)
        weightHH.withValue { PanelGemm.packTransposed($0, rows: hid, columns: g4, into: panels) }
        do {
            for s in stride(from: seqs.maxLength - 1, through: 0, by: -1) {
                let active = seqs.activeCounts[s]
                for j in 0..<active {
                    let video = seqs.order[j]
                    let r = row(step: s, video: video, in: seqs)
                    let previous = reverse ? r + 1 : r - 1
                    let gate = gates + r * g4
                    let sg = stepGrad + j * g4
                    let dhNext = dState + j * hid
                    let dcNext = dCell + j * hid
                    let tanhCell = sg + 3 * hid  // tanh(c_t), read at k before the o-gate gradient overwrites it
                    tanhCell.update(from: cell + r * hid, count: hid)
                    Elementwise.tanh(tanhCell, count: hid)
                    for k in 0..<hid {
                        let i = gate[k], f = gate[hid + k], g = gate[2 * hid + k], o = gate[3 * hid + k]
                        let dht = dh[r * hStride + k] + dhNext[k]
                        let tc = tanhCell[k]
                        let cPrev: Float = s > 0 ? cell[previous * hid + k] : 0
                        let dO = dht * tc
                        let dc = dcNext[k] + dht * o * (1 - tc * tc)
                        dcNext[k] = dc * f
                        sg[k] = dc * g * i * (1 - i)
                        sg[hid + k] = dc * cPrev * f * (1 - f)
                        sg[2 * hid + k] = dc * i * (1 - g * g)
                        sg[3 * hid + k] = dO * o * (1 - o)
                    }
                    (dGates + r * g4).update(from: sg, count: g4)
                }
                if s > 0 {  // d h_{s−1} [active, H] = stepGrad W_hh, stepGrad given K-major as PanelGemm reads it
                    for j in 0..<active {
                        let sg = stepGrad + j * g4
                        for k in 0..<g4 { stepGradT[k * active + j] = sg[k] }
                    }
                    PanelGemm.multiply(
                        m: active, n: hid, k: g4, aT: stepGradT, lda: active, panels: panels, c: dState, ldc: hid)
                }
            }
        }
        // dW_hh [4H, H] += Σ over steps with a predecessor: dGates[row]ᵀ h[previous row], one GEMM per video.
        weightHH.withGradient { dwhh in
            for video in 0..<seqs.count where seqs.lengths[video] > 1 {
                let first = seqs.offsets[video]
                let steps = seqs.lengths[video] - 1
                let (gradRow, stateRow) = reverse ? (first, first + 1) : (first + 1, first)
                sgemm(
                    transposeA: true, m: g4, n: hid, k: steps, a: dGates + gradRow * g4, lda: g4,
                    b: h + stateRow * hStride, ldb: hStride, beta: 1, c: dwhh, ldc: hid)
            }
        }
        biasIH.withGradient { Elementwise.accumulateColumnSums(of: dGates, rows: n, columns: g4, into: $0) }
        biasHH.withGradient { Elementwise.accumulateColumnSums(of: dGates, rows: n, columns: g4, into: $0) }
        weightIH.withGradient { dw in
            sgemm(transposeA: true, m: g4, n: e, k: n, a: dGates, lda: g4, b: x, ldb: e, beta: 1, c: dw, ldc: e)
        }
        guard let dx else { return }
        weightIH.withValue { w in
            sgemm(m: n, n: e, k: g4, a: dGates, lda: g4, b: w, ldb: e, beta: 1, c: dx, ldc: e)
        }
    }
}
