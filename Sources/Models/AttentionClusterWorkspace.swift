// Activations of AttentionCluster for one batch shape: sized once per (batch, L) and reused; owned by one caller.
// Legend: B videos, N packed frames of one modality, F feature width, C clusters, Z = Σ C·F, F1/F2, K classes.
import Tensor

/// Buffers of one forward (and backward) pass of AttentionCluster.
final class AttentionClusterWorkspace {
    /// One modality's activations.
    final class Branch {
        var seqs = PackedSequences(lengths: [])
        let x = Scratch()  // [N, F] packed sampled frames
        let w = Scratch()  // [N, C] softmax weights over frames
        let v = Scratch()  // [B, C, F] attention-weighted sums
        let norms = Scratch()  // [B, C] L2 norms of the shifted sums
        let dv = Scratch()  // [B, C, F]
        let dw = Scratch()  // [N, C]
    }

    private(set) var branches: [Branch] = []
    let z = Scratch()  // [B, Z] concatenated attention outputs, modality 0 first
    let dropped = Scratch()  // [B, Z] after dropout
    let mask = Scratch()  // [B, Z] dropout factors (training)
    let f1 = Scratch()  // [B, F1]
    let f2 = Scratch()  // [B, F2]
    let logits = Scratch()  // [B, K]
    let dz = Scratch()  // [B, Z]
    let dDropped = Scratch()  // [B, Z]
    let df1 = Scratch()  // [B, F1]
    let df2 = Scratch()  // [B, F2]
    private(set) var videos = 0
    private(set) var concatWidth = 0
    /// Whether the last forward pass kept what backward needs.
    private(set) var trained = false

    /// Sizes every buffer for `batch` (growing only) and packs its frames into the branches' x.
    func prepare(batch: FeatureBatch, sizes: AttentionCluster.Sizes, training: Bool) {
        let b = batch.count
        videos = b
        trained = training
        concatWidth = zip(sizes.featureDims, sizes.clusterCounts).reduce(0) { $0 + $1.0 * $1.1 }
        let modalities = sizes.featureDims.count
        while branches.count < modalities { branches.append(Branch()) }
        for (i, inputs) in batch.streams.prefix(modalities).enumerated() {
            let branch = branches[i]
            branch.seqs = PackedSequences(lengths: inputs.map(\.rows))
            let (n, f, c) = (branch.seqs.total, sizes.featureDims[i], sizes.clusterCounts[i])
            branch.x.reserve(n * f)
            branch.w.reserve(n * c)
            branch.v.reserve(b * c * f)
            branch.norms.reserve(b * c)
            if training {
                branch.dv.reserve(b * c * f)
                branch.dw.reserve(n * c)
            }
            for (video, tensor) in inputs.enumerated() {
                tensor.scalars.withUnsafeBufferPointer { source in
                    (branch.x.pointer + branch.seqs.offsets[video] * f).update(from: source.baseAddress!, count: source.count)
                }
            }
        }
        for buffer in [z, dropped] { buffer.reserve(b * concatWidth) }
        f1.reserve(b * sizes.fcSizes[0])
        f2.reserve(b * sizes.fcSizes[1])
        logits.reserve(b * sizes.classes)
        if training {
            for buffer in [mask, dz, dDropped] { buffer.reserve(b * concatWidth) }
            df1.reserve(b * sizes.fcSizes[0])
            df2.reserve(b * sizes.fcSizes[1])
        }
    }
}
