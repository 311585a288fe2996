// SegmentSampling: which feature rows AttentionCluster sees (spec §3.1, PaddleCV reader `generate_random_idx`).
// Training draws one row per equal segment: idx[k] = min(len−1, ⌊(k + u_k)·len/seg⌋), u_k ~ U[0, 1).
// Evaluation takes each segment's centre (u_k = 0.5) so that validation numbers are reproducible.
import Tensor

/// Stratified sampling of `segments` rows out of a video's rows.
public struct SegmentSampling: Sendable, Equatable {
    /// Rows to keep per video (AttentionCluster's `seg_num`).
    public var segments: Int

    /// Sampling of `segments` rows per video.
    public init(segments: Int) {
        self.segments = segments
    }

    /// One random row per segment (training); repeats rows when the video is shorter than `segments`.
    public func randomRows<R: RandomNumberGenerator>(count: Int, using rng: inout R) -> [Int] {
        rows(count: count) { _ in Double.random(in: 0..<1, using: &rng) }
    }

    /// The centre row of each segment (evaluation).
    public func centreRows(count: Int) -> [Int] {
        rows(count: count) { _ in 0.5 }
    }

    private func rows(count: Int, offset: (Int) -> Double) -> [Int] {
        guard count > 0 else { return [] }
        let stride = Double(count) / Double(segments)
        return (0..<segments).map { k in min(count - 1, Int((Double(k) + offset(k)) * stride)) }
    }
}

extension Tensor {
    /// The rows `indices` of a [T, D] tensor, each clamped to the last row: [indices.count, D].
    func gatheringRows(_ indices: [Int]) -> Tensor {
        let rows = shape.first ?? 0
        let width = shape.count > 1 ? shape[1] : 1
        guard rows > 0 else { return self }
        var gathered = [Float](repeating: 0, count: indices.count * width)
        for (out, index) in indices.enumerated() {
            let source = min(index, rows - 1) * width
            for j in 0..<width { gathered[out * width + j] = scalars[source + j] }
        }
        return Tensor(shape: [indices.count, width], scalars: gathered)
    }
}
