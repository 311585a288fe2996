// SegmentSampling: which feature rows AttentionCluster sees (spec §3.1, PaddleCV reader `generate_random_idx`).
// Training draws one row per equal segment: idx[k] = min(len−1, ⌊(k + u_k)·len/seg⌋), u_k ~ U[0, 1).
// Evaluation takes each segment's centre with Models' UniformSampler (the rule predict, classify and watch use).
import Models

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

    /// The centre row of each segment (evaluation): UniformSampler's center mode, ⌊(2k + 1)·len / (2·seg)⌋.
    public func centreRows(count: Int) -> [Int] {
        UniformSampler(segments: segments).indices(frameCount: count)
    }

    private func rows(count: Int, offset: (Int) -> Double) -> [Int] {
        guard count > 0 else { return [] }
        let stride = Double(count) / Double(segments)
        return (0..<segments).map { k in min(count - 1, Int((Double(k) + offset(k)) * stride)) }
    }
}
