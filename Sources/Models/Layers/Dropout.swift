// Dropout in Paddle's two conventions (spec §2.4 and §3.3).
// upscale_in_train (paddle.nn.Dropout, AttentionLSTM): train y = x·mask/(1−p), infer y = x.
// downgrade_in_infer (fluid.layers.dropout default, AttentionCluster): train y = x·mask, infer y = x·(1−p).
// Legend: n elements; mask holds the per-element factor (0 or the kept scale).

/// Randomly zeroes elements in training; scales at inference as the convention says.
struct Dropout {
    /// How training and inference scale the kept values.
    enum Convention { case upscaleInTrain, downgradeInInfer }

    let convention: Convention
    /// Probability p of dropping an element.
    var rate: Float

    /// The factor inference multiplies by: 1 or (1 − p).
    var inferenceScale: Float { convention == .upscaleInTrain ? 1 : 1 - rate }

    /// y [n] = x · mask, with mask [n] drawn from `rng` (0 with probability p, else the kept scale).
    func forwardTraining<R: RandomNumberGenerator>(
        y: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, count: Int,
        rng: inout R
    ) {
        let kept: Float = convention == .upscaleInTrain && rate < 1 ? 1 / (1 - rate) : 1
        for i in 0..<count {
            mask[i] = rate > 0 && Float.random(in: 0..<1, using: &rng) < rate ? 0 : kept
            y[i] = x[i] * mask[i]
        }
    }

    /// dx [n] += dy · mask
    func backward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] += dy[i] * mask[i] }
    }
}
