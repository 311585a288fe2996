// Centered RMSProp as PaddlePaddle's rmsprop kernel computes it (PaddleVideo's AttentionLSTM optimiser).

/// Centered RMSProp (ρ 0.95, ε 1e-6, momentum 0):
/// `r = ρ·r + (1−ρ)·g²; ḡ = ρ·ḡ + (1−ρ)·g; v = μ·v + lr·g/√(r − ḡ² + ε); w −= v`.
public final class CenteredRMSProp: Optimizer, @unchecked Sendable {
    let rho: Float, epsilon: Float, momentum: Float
    private let meanSquare = SlotBuffers(), meanGradient = SlotBuffers(), velocity = SlotBuffers()

    /// Centered RMSProp with Paddle's defaults unless given.
    public init(rho: Float = 0.95, epsilon: Float = 1e-6, momentum: Float = 0) {
        self.rho = rho
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public func update(slot: Int, value: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>, learningRate: Float) {
        let (rho, epsilon, momentum) = (rho, epsilon, momentum)
        meanSquare.with(slot, count: value.count) { squares in
            meanGradient.with(slot, count: value.count) { means in
                velocity.with(slot, count: value.count) { steps in
                    nonisolated(unsafe) let (w, g, r, mg, v) = (value, gradient, squares, means, steps)  // disjoint chunks
                    parallelChunks(w.count) { range in
                        for i in range {
                            r[i] = rho * r[i] + (1 - rho) * g[i] * g[i]
                            mg[i] = rho * mg[i] + (1 - rho) * g[i]
                            v[i] = momentum * v[i] + learningRate * g[i] / (r[i] - mg[i] * mg[i] + epsilon).squareRoot()
                            w[i] -= v[i]
                        }
                    }
                }
            }
        }
    }

    public func finishStep() {}

    public var state: [String: [Float]] {
        meanSquare.exported(as: "mean_square").merging(meanGradient.exported(as: "mean_grad")) { a, _ in a }
            .merging(velocity.exported(as: "momentum")) { a, _ in a }
    }

    public func restore(_ state: [String: [Float]]) {
        meanSquare.restore(state, as: "mean_square")
        meanGradient.restore(state, as: "mean_grad")
        velocity.restore(state, as: "momentum")
    }
}
