// Scratch buffers for activations and their gradients: grown to a batch shape once, then reused without allocation.
import Tensor

/// A float buffer owned by a workspace; `reserve` reallocates only when a larger shape arrives.
final class Scratch {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
        capacity = 1
    }

    /// Makes room for `count` floats (contents undefined after a reallocation: zeroed).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        capacity = count
    }

    /// Sets the first `count` floats to zero.
    func zero(_ count: Int) { pointer.update(repeating: 0, count: count) }

    deinit { pointer.deallocate() }
}

extension Parameter {
    /// Runs `body` with the weights' storage.
    @inline(__always)
    func withValue<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try value.scalars.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// Runs `body` with the gradient's storage (allocated on first use), for adding into it.
    @inline(__always)
    func withGradient<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try gradient.scalars.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }
}
