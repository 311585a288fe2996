// What AttentionLSTM and AttentionCluster share: inference and training entry points over one forward pass.
import Tensor

/// A video classifier over per-video features of 1…k modalities (rgb, audio, …; the weights tell how many): both
/// models conform.
public protocol FeatureClassifier: TrainableModel {
    /// Feature widths per modality (feature_names order: rgb, audio, …), from the weights; its count is the number of
    /// streams the model reads.
    var featureWidths: [Int] { get }
    /// K, the number of classes (logit width), from the weights.
    var classCount: Int { get }
    /// The dropout probability training applies (AttentionCluster: also its ×(1−p) inference scale).
    var dropoutRate: Float { get set }
    /// The forward pass: logits [B, K]. With `training`, dropout is drawn from `rng` and what `backward` needs is
    /// kept; without it, inference (AttentionCluster's dropout becomes a ×(1−p) scale). Inputs must be validated.
    func forward<R: RandomNumberGenerator>(_ batch: FeatureBatch, training: Bool, rng: inout R) -> Tensor
}

extension FeatureClassifier {
    /// Logits [K] of one video: rgb [T, Drgb], audio [T′, Daudio] (AttentionCluster: already-sampled frames). A
    /// one-modality model ignores `audio`.
    public func logits(rgb: Tensor, audio: Tensor) throws -> [Float] {
        try logits(FeatureBatch(rgb: [rgb], audio: [audio])).scalars
    }

    /// Logits [K] of one video given one [T_m, D_m] tensor per modality, in the weights' order.
    public func logits(streams: [Tensor]) throws -> [Float] {
        try logits(FeatureBatch(streams: streams.map { [$0] })).scalars
    }

    /// Logits [B, K] of a batch of videos (inference).
    public func logits(_ batch: FeatureBatch) throws -> Tensor {
        try validate(batch)
        var unused = SystemRandomNumberGenerator()
        return forward(batch, training: false, rng: &unused)
    }

    /// Fails unless every video has, for each of the model's modalities, features of the weights' width with at least
    /// one row.
    public func validate(_ batch: FeatureBatch) throws {
        try validateFeatures(batch, widths: featureWidths, minimumRows: 1)
    }

    /// Logits [B, K] in training mode (the `TrainableModel` requirement); call `validate` first on untrusted input.
    public func forwardTraining<R: RandomNumberGenerator>(_ batch: FeatureBatch, rng: inout R) -> Tensor {
        forward(batch, training: true, rng: &rng)
    }
}
