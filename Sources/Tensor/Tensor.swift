// Tensor: a dense, row-major Float32 array with a shape. The value type every stage trades in.

/// A dense row-major array of `Float` with a shape; `scalars.count` is the product of `shape`.
public struct Tensor: Sendable, Equatable {
    /// Sizes of each axis, outermost first.
    public var shape: [Int]
    /// Elements in row-major order.
    public var scalars: [Float]

    /// A tensor holding `scalars` laid out as `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count, "shape \(shape) does not hold \(scalars.count) scalars")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { scalars.count }

    /// Rows of a matrix-shaped tensor: the first axis (1 for a scalar).
    public var rows: Int { shape.first ?? 1 }

    /// Elements per row: the product of every axis after the first.
    public var columns: Int { shape.dropFirst().reduce(1, *) }

    /// Sets every element to zero, keeping the storage.
    public mutating func zero() {
        scalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
