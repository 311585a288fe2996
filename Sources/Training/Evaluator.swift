// Evaluator: a model's sigmoid scores over a dataset in inference mode, and the YouTube-8M metrics of them.
import Foundation
import Models
import Tensor

/// Runs a model in inference mode over datasets; AttentionCluster sees each segment's centre row.
public struct Evaluator {
    /// The model to measure.
    public let model: any FeatureClassifier
    /// AttentionCluster's rows per video; nil keeps every row (AttentionLSTM).
    public let sampling: SegmentSampling?

    /// An evaluator of `model`.
    public init(model: any FeatureClassifier, sampling: SegmentSampling?) {
        self.model = model
        self.sampling = sampling
    }

    /// Sigmoid scores [videos][K], `batchSize` videos at a time, and the mean loss per video (summed over classes).
    public func scores(_ data: FeatureDataset, batchSize: Int) throws -> (scores: [[Float]], loss: Double) {
        var scores: [[Float]] = [], total = 0.0
        for indices in FeatureDataset.batches(Array(data.videos.indices), size: batchSize) {
            let logits = try model.logits(batch(data, indices))  // [B, K]
            let k = logits.shape.last ?? 0
            let labels = data.labelMatrix(indices, classes: k)  // [B, K]
            total += Double(SigmoidCrossEntropy.loss(logits: logits, labels: labels, reduction: .sum))
            for row in 0..<indices.count {
                scores.append(logits.scalars[row * k..<(row + 1) * k].map { 1 / (1 + expf(-$0)) })
            }
        }
        return (scores, data.videos.isEmpty ? 0 : total / Double(data.videos.count))
    }

    /// The metrics and mean loss per video of the model on `data`.
    public func evaluate(_ data: FeatureDataset, batchSize: Int, topK: Int = 20, batchMean: Int? = nil) throws -> (metrics: VideoMetrics, loss: Double) {
        let (scores, loss) = try scores(data, batchSize: batchSize)
        return (VideoMetrics(scores: scores, labels: data.videos.map(\.labels), topK: topK, batchMean: batchMean), loss)
    }

    private func batch(_ data: FeatureDataset, _ indices: [Int]) -> FeatureBatch {
        let videos = indices.map { data.videos[$0] }
        guard let sampling else { return FeatureBatch(rgb: videos.map(\.rgb), audio: videos.map(\.audio)) }
        let rows = videos.map { sampling.centreRows(count: $0.rgb.shape[0]) }
        return FeatureBatch(
            rgb: zip(videos, rows).map { $0.rgb.gatheringRows($1) }, audio: zip(videos, rows).map { $0.audio.gatheringRows($1) })
    }
}
