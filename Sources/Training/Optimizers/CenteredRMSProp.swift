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
        meanSquare.with(slot, count: value.count) { r in
            meanGradient.with(slot, count: value.count) { mg in
                velocity.with(slot, count: value.count) { v in
                    for i in 0..<value.count {
                        let g = gradient[i]
                        r[i] = rho * r[i] + (1 - rho) * g * g
                        mg[i] = rho * mg[i] + (1 - rho) * g
                        v[i] = momentum * v[i] + learningRate * g / (r[i] - mg[i] * mg[i] + epsilon).squareRoot()
                        value[i] -= v[i]
                    }
                }
            }
        }
    }

    public func finishStep() {}
}
