// The training contract between Models and Training (docs/architecture.md, "Training contract").
import Tensor

/// One learnable tensor of a model, under its PaddlePaddle name, with its gradient buffer.
/// The gradient is allocated on first use, so inference never pays for it.
public final class Parameter {
    /// PaddlePaddle's key for this tensor (e.g. `head.fc_out1.weight`, `fc1.weights`).
    public let name: String
    /// The weights.
    public var value: Tensor
    /// Whether L2 weight decay applies (false for AttentionLSTM's three output biases, spec §2.6).
    public let decays: Bool
    private var storedGradient: Tensor?

    /// A parameter holding `value`; its gradient starts at zero.
    public init(name: String, value: Tensor, decays: Bool = true) {
        self.name = name
        self.value = value
        self.decays = decays
    }

    /// d loss / d value, same shape as `value`; backward passes add into it, the trainer zeroes it.
    public var gradient: Tensor {
        get { storedGradient ?? Tensor(zeros: value.shape) }
        _modify {
            if storedGradient == nil { storedGradient = Tensor(zeros: value.shape) }
            yield &storedGradient!
        }
        set { storedGradient = newValue }
    }

    /// Sets the gradient to zero (allocating it the first time).
    public func zeroGradient() { gradient.zero() }
}

/// How a model's sigmoid cross-entropy loss reduces over the batch (spec §2.6 and §3.5).
public enum LossReduction: Sendable {
    /// Summed over batch and classes (AttentionLSTM, PaddleVideo 2.x).
    case sum
    /// Summed over classes, averaged over the batch (AttentionCluster, PaddleCV 1.x).
    case meanOverBatch
}

/// A model the trainer can fit: named parameters, a training forward pass and its backward pass.
public protocol TrainableModel: AnyObject {
    /// Every learnable tensor, in a fixed order.
    var parameters: [Parameter] { get }
    /// Logits [B, K] for a batch, in training mode (dropout drawn from `rng`); keeps what `backward` needs.
    func forwardTraining<R: RandomNumberGenerator>(_ batch: FeatureBatch, rng: inout R) -> Tensor
    /// Back-propagates d loss / d logits [B, K] of the last `forwardTraining`; adds into every `Parameter.gradient`.
    func backward(_ dLogits: Tensor)
    /// How this model's loss reduces over the batch.
    var lossReduction: LossReduction { get }
}

/// A batch of videos' features, one stream per modality in the weights' order (PaddleVideo's `feature_names`;
/// rgb first, audio second when there are two): per video [T_i, D_m] (lengths may differ between modalities).
/// A model reads the first k streams, k its modality count; streams beyond them are ignored.
public struct FeatureBatch: Sendable {
    /// Per modality, per video, features [T_i, D_m].
    public var streams: [[Tensor]]

    /// A batch of `streams[0].count` videos; every stream has one entry per video.
    public init(streams: [[Tensor]]) {
        self.streams = streams
    }

    /// A two-modality batch: per video rgb [T_i, Drgb] and audio [T'_i, Daudio].
    public init(rgb: [Tensor], audio: [Tensor]) {
        streams = [rgb, audio]
    }

    /// Per video, the first modality's features (rgb).
    public var rgb: [Tensor] { streams.first ?? [] }
    /// Per video, the second modality's features (audio); empty for a one-modality batch.
    public var audio: [Tensor] { streams.count > 1 ? streams[1] : [] }

    /// Number of videos.
    public var count: Int { rgb.count }
}

/// The name of modality `index` in errors: rgb, audio, then `modality N`.
func modalityName(_ index: Int) -> String {
    index < 2 ? ["rgb", "audio"][index] : "modality \(index)"
}

/// Fails unless every video of `batch` has, per modality, a 2-D tensor of the given width with enough rows.
func validateFeatures(_ batch: FeatureBatch, widths: [Int], minimumRows: Int) throws {
    guard batch.count > 0 else { throw ModelError.badInput("the batch holds no videos") }
    guard batch.streams.count >= widths.count else {
        throw ModelError.badInput("the batch has \(batch.streams.count) feature streams, the model reads \(widths.count)")
    }
    for (i, width) in widths.enumerated() {
        let (name, tensors) = (modalityName(i), batch.streams[i])
        guard tensors.count == batch.count else {
            throw ModelError.badInput("the batch has \(batch.count) rgb and \(tensors.count) \(name) entries")
        }
        for (video, tensor) in tensors.enumerated() {
            guard tensor.shape.count == 2, tensor.shape[1] == width else {
                throw ModelError.badInput("video \(video): \(name) features have shape \(tensor.shape), expected [T, \(width)]")
            }
            guard tensor.shape[0] >= minimumRows else {
                throw ModelError.badInput("video \(video): \(name) features have \(tensor.shape[0]) rows, need at least \(minimumRows)")
            }
        }
    }
}
