// The one way Vigil turns a video's feature rows into class scores: pick rows, gather, logits, sigmoid, top-k.
// `vigil predict`, `classify`, `watch` and `eval` all go through it.
import Tensor

/// A model with its row sampling and class names. AttentionCluster reads `seg_num` uniform picks of each modality's
/// rows (`sampler`); AttentionLSTM reads every row (`sampler` nil). Scores are Paddle's sigmoid, 1 / (1 + e^−x).
public final class Scorer: @unchecked Sendable {
    /// The model (its workspace is not shared: one scorer per thread).
    public let model: any FeatureClassifier
    /// Rows the model reads out of a video's T rows; nil: all of them.
    public let sampler: UniformSampler?
    /// Name of each class (nil where the label map has none), one per model output.
    public let labels: [String?]

    /// A scorer; `names` is padded with nil (or cut) to the model's class count.
    public init(model: any FeatureClassifier, sampler: UniformSampler?, names: [String?]) {
        self.model = model
        self.sampler = sampler
        let classes = model.classCount
        labels = (0..<classes).map { $0 < names.count ? names[$0] : nil }
    }

    /// The row indices the model reads out of `count` rows.
    public func rows(count: Int) -> [Int] {
        sampler?.indices(frameCount: count) ?? Array(0..<count)
    }

    /// Logits [K] of one video, rgb [T, Drgb] and audio [T′, Daudio] (each modality sampled by its own row count),
    /// and how many rgb rows the model read.
    public func logits(rgb: Tensor, audio: Tensor) throws -> (logits: [Float], frames: Int) {
        guard let sampler else { return (try model.logits(rgb: rgb, audio: audio), rgb.shape.first ?? 0) }
        try model.validate(FeatureBatch(rgb: [rgb], audio: [audio]))  // widths first: a file's row count is not trusted
        let rgbRows = sampler.indices(frameCount: rgb.shape.first ?? 0)
        let picked = rgb.gatheringRows(rgbRows)
        let sound = audio.gatheringRows(sampler.indices(frameCount: audio.shape.first ?? 0))
        return (try model.logits(rgb: picked, audio: sound), rgbRows.count)
    }

    /// Logits [K] of each video, in order, from one forward pass over all of them (each modality sampled as in
    /// `logits(rgb:audio:)`; each video's logits equal its single-video pass within float rounding).
    public func logits(batch rgb: [Tensor], audio: [Tensor]) throws -> [[Float]] {
        guard !rgb.isEmpty else { return [] }
        let batch: FeatureBatch
        if let sampler {
            try model.validate(FeatureBatch(rgb: rgb, audio: audio))  // widths first: a file's row count is not trusted
            batch = FeatureBatch(
                rgb: rgb.map { $0.gatheringRows(sampler.indices(frameCount: $0.shape.first ?? 0)) },
                audio: audio.map { $0.gatheringRows(sampler.indices(frameCount: $0.shape.first ?? 0)) })
        } else {
            batch = FeatureBatch(rgb: rgb, audio: audio)
        }
        let logits = try model.logits(batch)
        let k = logits.shape.count > 1 ? logits.shape[1] : 0
        return rgb.indices.map { Array(logits.scalars[$0 * k..<($0 + 1) * k]) }
    }

    /// Sigmoid scores [K] of one video (see `logits`).
    public func scores(rgb: Tensor, audio: Tensor) throws -> (scores: [Float], frames: Int) {
        let (logits, frames) = try logits(rgb: rgb, audio: audio)
        return (Self.sigmoid(logits), frames)
    }

    /// The `k` best classes of `scores`, highest first (ties: lower class index first).
    public func best(_ scores: [Float], _ k: Int) -> [ClassScore] {
        Self.topK(scores, k).map { ClassScore(classIndex: $0, label: $0 < labels.count ? labels[$0] : nil, score: scores[$0]) }
    }

    /// Paddle's sigmoid of each logit.
    public static func sigmoid(_ logits: [Float]) -> [Float] { logits.map(Elementwise.sigmoidScalar) }

    /// Indices of the `k` highest scores, highest first (ties: lower index first).
    public static func topK(_ scores: [Float], _ k: Int) -> [Int] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] || scores[$0] == scores[$1] && $0 < $1 }
        return Array(order.prefix(max(0, k)))
    }
}

extension Tensor {
    /// The rows `indices` of a [T, D] tensor, in order, each clamped to the last row: [indices.count, D].
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        let rows = shape.first ?? 0
        let width = shape.count > 1 ? shape[1] : 1
        guard rows > 0 else { return self }
        var gathered = [Float](repeating: 0, count: indices.count * width)
        scalars.withUnsafeBufferPointer { source in
            gathered.withUnsafeMutableBufferPointer { out in
                for (row, index) in indices.enumerated() {
                    let from = min(max(index, 0), rows - 1) * width
                    for j in 0..<width { out[row * width + j] = source[from + j] }
                }
            }
        }
        return Tensor(shape: [indices.count, width], scalars: gathered)
    }
}
