// Adam as PaddlePaddle's CPU kernel computes it (phi adam_functors.h): the bias correction folds into the
// learning rate and scales ε, and the β powers are float32 accumulators that start at β and multiply each step.

/// Adam (β1 0.9, β2 0.999, ε 1e-8) with Paddle's arithmetic:
/// `m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; lr' = lr·√(1−β2ᵗ)/(1−β1ᵗ); w −= lr'·m/(√v + ε·√(1−β2ᵗ))`.
public final class Adam: Optimizer, @unchecked Sendable {
    let beta1: Float, beta2: Float, epsilon: Float
    private let first = SlotBuffers(), second = SlotBuffers()
    /// β1ᵗ and β2ᵗ for the step about to run.
    private(set) var beta1Power: Float, beta2Power: Float

    /// Adam with Paddle's defaults unless given.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        beta1Power = beta1
        beta2Power = beta2
    }

    public func update(slot: Int, value: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>, learningRate: Float) {
        let correction = (1 - beta2Power).squareRoot()
        let rate = learningRate * correction / (1 - beta1Power)
        let scaledEpsilon = epsilon * correction
        let (b1, b2) = (beta1, beta2)
        first.with(slot, count: value.count) { firstMoment in
            second.with(slot, count: value.count) { secondMoment in
                nonisolated(unsafe) let (w, g, m, v) = (value, gradient, firstMoment, secondMoment)  // disjoint chunks
                parallelChunks(w.count) { range in
                    for i in range {
                        m[i] = b1 * m[i] + (1 - b1) * g[i]
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                        w[i] -= rate * (m[i] / (v[i].squareRoot() + scaledEpsilon))
                    }
                }
            }
        }
    }

    public func finishStep() {
        beta1Power *= beta1
        beta2Power *= beta2
    }

    public var state: [String: [Float]] {
        first.exported(as: "moment1").merging(second.exported(as: "moment2")) { a, _ in a }
            .merging(["beta1_pow": [beta1Power], "beta2_pow": [beta2Power]]) { a, _ in a }
    }

    public func restore(_ state: [String: [Float]]) {
        first.restore(state, as: "moment1")
        second.restore(state, as: "moment2")
        beta1Power = state["beta1_pow"]?.first ?? beta1
        beta2Power = state["beta2_pow"]?.first ?? beta2
    }
}
