// PiecewiseDecay: Paddle's `paddle.optimizer.lr.PiecewiseDecay`, stepped once per epoch as PaddleVideo does.

/// A learning rate that is `values[i]` from epoch `boundaries[i-1]` on; `values.count == boundaries.count + 1`.
public struct PiecewiseDecay: Codable, Equatable, Sendable {
    /// Epochs at which the next value takes over, ascending.
    public var boundaries: [Int]
    /// The rate before the first boundary, then after each.
    public var values: [Float]

    /// A schedule; a constant rate has no boundaries and one value.
    public init(boundaries: [Int] = [], values: [Float]) {
        self.boundaries = boundaries
        self.values = values
    }

    /// The rate for zero-based `epoch` (Paddle: the first boundary `b` with `epoch < b` selects its value).
    public func learningRate(epoch: Int) -> Float {
        for (i, boundary) in boundaries.enumerated() where epoch < boundary { return values[min(i, values.count - 1)] }
        return values.last ?? 0
    }
}
