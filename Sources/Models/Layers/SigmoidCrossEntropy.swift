// Sigmoid cross-entropy with logits (spec §2.6 and §3.5): ℓ(x, z) = max(x, 0) − x·z + log(1 + exp(−|x|)).
// AttentionLSTM sums over batch and classes; AttentionCluster sums over classes and averages over the batch.
// Legend: B videos, K classes.
import Foundation
import Tensor

/// The multi-label loss both models train with, and its gradient with respect to the logits.
public enum SigmoidCrossEntropy {
    /// The loss of logits [B, K] against multi-hot labels [B, K].
    public static func loss(logits: Tensor, labels: Tensor, reduction: LossReduction) -> Float {
        var total: Double = 0
        for (x, z) in zip(logits.scalars, labels.scalars) {
            total += Double(max(x, 0) - x * z + log1pf(expf(-abs(x))))
        }
        return Float(reduction == .sum ? total : total / Double(max(1, logits.rows)))
    }

    /// d loss / d logits [B, K] = (σ(x) − z), divided by B for `.meanOverBatch`.
    public static func gradient(logits: Tensor, labels: Tensor, reduction: LossReduction) -> Tensor {
        let factor: Float = reduction == .sum ? 1 : 1 / Float(max(1, logits.rows))
        var result = logits
        for i in result.scalars.indices {
            result.scalars[i] = (Elementwise.sigmoidScalar(logits.scalars[i]) - labels.scalars[i]) * factor
        }
        return result
    }
}
