// Optimizer: the update rules Paddle applies to each parameter after the gradients (plus L2 decay) are known.

/// An update rule with per-parameter state, applied in place; `slot` names the parameter's state (its index).
public protocol Optimizer: AnyObject, Sendable {
    /// Updates `value` from `gradient` (weight decay already added) with the step's learning rate.
    func update(slot: Int, value: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>, learningRate: Float)
    /// Marks the end of one optimisation step (Adam advances its bias-correction powers here).
    func finishStep()
    /// Every state buffer, keyed `<slot>.<buffer>` (and scalars by name), for a resumable checkpoint.
    var state: [String: [Float]] { get }
    /// Replaces the state with one `state` exported.
    func restore(_ state: [String: [Float]])
}

/// Which update rule and hyper-parameters to build; decoded from the pipeline YAML's `train.optimizer`.
public enum OptimizerKind: String, Codable, Sendable {
    /// Adam with β1 0.9, β2 0.999, ε 1e-8 (AttentionCluster).
    case adam
    /// Centered RMSProp with ρ 0.95, ε 1e-6, momentum 0 (AttentionLSTM).
    case rmsprop

    /// A fresh optimiser of this kind.
    public func make() -> any Optimizer {
        switch self {
        case .adam: Adam()
        case .rmsprop: CenteredRMSProp()
        }
    }
}

/// Lazily sized per-parameter state buffers, one array per slot.
final class SlotBuffers: @unchecked Sendable {
    private var buffers: [[Float]] = []

    /// The buffer for `slot`, zero-filled to `count` on first use; `body` may mutate it.
    func with<R>(_ slot: Int, count: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        while buffers.count <= slot { buffers.append([]) }
        if buffers[slot].count != count { buffers[slot] = [Float](repeating: 0, count: count) }
        return buffers[slot].withUnsafeMutableBufferPointer { body($0) }
    }

    /// Every non-empty slot's buffer, keyed `<slot>.<name>`.
    func exported(as name: String) -> [String: [Float]] {
        var state: [String: [Float]] = [:]
        for (slot, buffer) in buffers.enumerated() where !buffer.isEmpty { state["\(slot).\(name)"] = buffer }
        return state
    }

    /// Takes the buffers `exported(as: name)` produced; slots missing from `state` start from zero.
    func restore(_ state: [String: [Float]], as name: String) {
        buffers = []
        for (key, buffer) in state where key.hasSuffix(".\(name)") {
            guard let slot = Int(key.dropLast(name.count + 1)), slot >= 0 else { continue }
            while buffers.count <= slot { buffers.append([]) }
            buffers[slot] = buffer
        }
    }
}

extension Optimizer {
    /// One parameter's update: Paddle's L2Decay first (`g += float32(coeff·w)`, skipped when `weightDecay` is 0),
    /// then the rule. `gradient` is overwritten with the decayed gradient.
    public func apply(slot: Int, value: inout [Float], gradient: inout [Float], weightDecay: Float, learningRate: Float) {
        precondition(value.count == gradient.count, "parameter and gradient sizes differ")
        value.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeMutableBufferPointer { g in
                if weightDecay != 0 {
                    nonisolated(unsafe) let (value, gradient) = (w, g)  // disjoint chunks
                    parallelChunks(w.count) { range in for i in range { gradient[i] += weightDecay * value[i] } }
                }
                update(slot: slot, value: w, gradient: UnsafeBufferPointer(g), learningRate: learningRate)
            }
        }
    }
}
