// Activations of AttentionLSTM for one batch shape: sized once per (batch, T) and reused; owned by one caller.
// Legend: B videos, N packed rows of one modality, D feature width, E embedding, H LSTM width, W = 2H,
//         Z = Σ W, F1/F2 fc_out widths, K classes.
import Tensor

/// Buffers of one forward (and backward) pass of AttentionLSTM.
final class AttentionLSTMWorkspace {
    /// One modality's activations.
    final class Branch {
        var seqs = PackedSequences(lengths: [])
        let x = Scratch()  // [N, D] packed input
        let e = Scratch()  // [N, E] tanh(fc_feature)
        let h = Scratch()  // [N, W] BiLSTM output
        let d = Scratch()  // [N, W] after dropout (training)
        let mask = Scratch()  // [N, W] dropout factors (training)
        let a = Scratch()  // [N] attention weights
        let lstm = BiLSTMBuffers()
        let dh = Scratch()  // [N, W]
        let dd = Scratch()  // [N, W]
        let de = Scratch()  // [N, E]
        let da = Scratch()  // [N]
    }

    private(set) var branches: [Branch] = []
    /// Inference only (`prepareInference`): the branches run one after another and share these.
    let embedded = Scratch()  // [N, E] tanh(fc_feature) of the branch being run
    let pooledLSTM = PooledBiLSTMBuffers()
    let z = Scratch()  // [B, Z] pooled, modality 0 block first
    let f1 = Scratch()  // [B, F1]
    let f2 = Scratch()  // [B, F2]
    let logits = Scratch()  // [B, K]
    let dz = Scratch()  // [B, Z]
    let df1 = Scratch()  // [B, F1]
    let df2 = Scratch()  // [B, F2]
    private(set) var videos = 0
    private(set) var pooledWidth = 0
    /// Whether the last forward pass kept what backward needs.
    private(set) var trained = false

    /// Sizes every buffer for `batch` (growing only) and packs its features into the branches' x.
    func prepare(batch: FeatureBatch, sizes: AttentionLSTM.Sizes, training: Bool) {
        begin(batch: batch, sizes: sizes, training: training)
        for (i, inputs) in batch.streams.prefix(sizes.featureDims.count).enumerated() {
            let branch = branches[i]
            let (n, d, e, h) = (branch.seqs.total, sizes.featureDims[i], sizes.embeddingSizes[i], sizes.lstmSizes[i])
            branch.x.reserve(n * d)
            branch.e.reserve(n * e)
            branch.h.reserve(n * 2 * h)
            branch.a.reserve(n)
            branch.lstm.reserve(rows: n, videos: batch.count, hidden: h, training: training)
            if training {
                for buffer in [branch.d, branch.mask, branch.dh, branch.dd] { buffer.reserve(n * 2 * h) }
                branch.de.reserve(n * e)
                branch.da.reserve(n)
            }
            for (video, tensor) in inputs.enumerated() {
                tensor.scalars.withUnsafeBufferPointer { source in
                    (branch.x.pointer + branch.seqs.offsets[video] * d).update(from: source.baseAddress!, count: source.count)
                }
            }
        }
    }

    /// Sizes the inference buffers for `batch` (growing only): each branch's packed layout, one [N, E] embedding and
    /// one `PooledBiLSTMBuffers` for the largest branch; no packed copy of the input and no [N, 4H] or [N, 2H].
    func prepareInference(batch: FeatureBatch, sizes: AttentionLSTM.Sizes) {
        begin(batch: batch, sizes: sizes, training: false)
        for (i, branch) in branches.prefix(sizes.featureDims.count).enumerated() {
            let (n, e) = (branch.seqs.total, sizes.embeddingSizes[i])
            embedded.reserve(n * e)
            pooledLSTM.reserve(rows: n, videos: batch.count, hidden: sizes.lstmSizes[i], input: e)
        }
    }

    /// Starts a pass over `batch`: its shape, each modality's packed layout (`Branch.seqs`) and the head's buffers.
    private func begin(batch: FeatureBatch, sizes: AttentionLSTM.Sizes, training: Bool) {
        videos = batch.count
        trained = training
        pooledWidth = sizes.lstmSizes.reduce(0) { $0 + 2 * $1 }
        let modalities = sizes.featureDims.count
        while branches.count < modalities { branches.append(Branch()) }
        for (i, inputs) in batch.streams.prefix(modalities).enumerated() {
            branches[i].seqs = PackedSequences(lengths: inputs.map(\.rows))
        }
        reserveHead(videos: batch.count, sizes: sizes, training: training)
    }

    private func reserveHead(videos b: Int, sizes: AttentionLSTM.Sizes, training: Bool) {
        z.reserve(b * pooledWidth)
        f1.reserve(b * sizes.fcSizes[0])
        f2.reserve(b * sizes.fcSizes[1])
        logits.reserve(b * sizes.classes)
        if training {
            dz.reserve(b * pooledWidth)
            df1.reserve(b * sizes.fcSizes[0])
            df2.reserve(b * sizes.fcSizes[1])
        }
    }
}
