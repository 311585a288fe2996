// Bidirectional LSTM (paddle.nn.LSTM direction="bidirect"): h[t] = concat(h_fw[t], h_bw[t]) (spec §2.3).
// Legend: N packed rows, B videos, E input width, H hidden width per direction.
import Tensor

/// The two directions of one bidirectional LSTM layer and the buffers each keeps for its backward pass.
struct BiLSTM {
    let forwardDirection: LSTMDirection
    let backwardDirection: LSTMDirection

    var hidden: Int { forwardDirection.hidden }

    /// h [N, 2H] = concat(forward, backward) over packed x [N, E]; gates/cell per direction, state/recurrent scratch.
    func forward(
        h: UnsafeMutablePointer<Float>, buffers: BiLSTMBuffers, x: UnsafePointer<Float>, seqs: PackedSequences
    ) {
        let hid = hidden
        forwardDirection.forward(
            h: h, hStride: 2 * hid, gates: buffers.gatesForward.pointer, cell: buffers.cellForward.pointer, x: x,
            state: buffers.state.pointer, recurrent: buffers.recurrent.pointer, panels: buffers.panels.pointer, seqs: seqs)
        backwardDirection.forward(
            h: h + hid, hStride: 2 * hid, gates: buffers.gatesBackward.pointer, cell: buffers.cellBackward.pointer,
            x: x, state: buffers.state.pointer, recurrent: buffers.recurrent.pointer, panels: buffers.panels.pointer, seqs: seqs)
    }

    /// dx [N, E] += d loss/dx given dh [N, 2H]; both directions' parameter gradients accumulate.
    func backward(
        dx: UnsafeMutablePointer<Float>?, buffers: BiLSTMBuffers, dh: UnsafePointer<Float>,
        h: UnsafePointer<Float>, x: UnsafePointer<Float>, seqs: PackedSequences
    ) {
        let hid = hidden
        forwardDirection.backward(
            dx: dx, dGates: buffers.dGates.pointer, dState: buffers.state.pointer, dCell: buffers.dCell.pointer,
            stepGrad: buffers.recurrent.pointer, stepGradT: buffers.recurrentT.pointer, panels: buffers.panels.pointer,
            dh: dh, h: h, hStride: 2 * hid,
            gates: buffers.gatesForward.pointer, cell: buffers.cellForward.pointer, x: x, seqs: seqs)
        backwardDirection.backward(
            dx: dx, dGates: buffers.dGates.pointer, dState: buffers.state.pointer, dCell: buffers.dCell.pointer,
            stepGrad: buffers.recurrent.pointer, stepGradT: buffers.recurrentT.pointer, panels: buffers.panels.pointer,
            dh: dh + hid, h: h + hid, hStride: 2 * hid,
            gates: buffers.gatesBackward.pointer, cell: buffers.cellBackward.pointer, x: x, seqs: seqs)
    }
}

/// Activations one BiLSTM keeps between forward and backward (training; inference runs `PooledBiLSTM`), plus its
/// scratch.
final class BiLSTMBuffers {
    let gatesForward = Scratch()  // [N, 4H] activated gates
    let gatesBackward = Scratch()  // [N, 4H]
    let cellForward = Scratch()  // [N, H]
    let cellBackward = Scratch()  // [N, H]
    let state = Scratch()  // [H, B] h_{t−1} transposed (forward) / [B, H] d h (backward)
    let recurrent = Scratch()  // [B, 4H] h W_hhᵀ (forward) / step gate gradients (backward)
    let panels = Scratch()  // W_hh (forward) / W_hhᵀ (backward) packed for PanelGemm, one direction at a time
    let dGates = Scratch()  // [N, 4H] (training only)
    let dCell = Scratch()  // [B, H] (training only)
    let recurrentT = Scratch()  // [4H, B] step gate gradients, K-major for PanelGemm (training only)

    /// Sizes the buffers for N rows and B videos.
    func reserve(rows: Int, videos: Int, hidden: Int, training: Bool) {
        for buffer in [gatesForward, gatesBackward] { buffer.reserve(rows * 4 * hidden) }
        for buffer in [cellForward, cellBackward] { buffer.reserve(rows * hidden) }
        state.reserve(videos * hidden)
        recurrent.reserve(videos * 4 * hidden)
        panels.reserve(PanelGemm.packedCount(rows: 4 * hidden, columns: hidden))
        if training {
            dGates.reserve(rows * 4 * hidden)
            dCell.reserve(videos * hidden)
            recurrentT.reserve(videos * 4 * hidden)
            panels.reserve(PanelGemm.packedCount(rows: hidden, columns: 4 * hidden))
        }
    }
}
