// Element-wise kernels the models need, as tight loops over unsafe buffers (no allocation, no bounds checks).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element-wise math over `count` contiguous floats; every function works in place or writes to a given buffer.
public enum Elementwise {
    /// One logistic value, 1 / (1 + exp(−x)), as Paddle's sigmoid kernel computes it.
    @inlinable public static func sigmoidScalar(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    /// x ← max(x, 0)
    @inlinable public static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count where x[i] < 0 { x[i] = 0 }
    }

    /// x ← exp(x)
    @inlinable public static func exp(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = expf(x[i]) }
    }

    /// x ← x · s
    @inlinable public static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by s: Float) {
        for i in 0..<count { x[i] *= s }
    }

    /// y ← y + a · x
    @inlinable public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += a * x[i] }
    }

    /// Σ x[i] · y[i]
    @inlinable public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var s: Float = 0
        for i in 0..<count { s += x[i] * y[i] }
        return s
    }

    /// y[r, :] ← y[r, :] + bias for each of `rows` rows of width `columns` (row stride `stride`, default `columns`).
    @inlinable public static func addRowVector(
        _ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int? = nil
    ) {
        let ld = stride ?? columns
        for r in 0..<rows {
            let row = y + r * ld
            for j in 0..<columns { row[j] += bias[j] }
        }
    }

    /// sums[j] ← sums[j] + Σ_r x[r, j] over `rows` rows of width `columns` (row stride `stride`, default `columns`).
    @inlinable public static func accumulateColumnSums(
        of x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int? = nil, into sums: UnsafeMutablePointer<Float>
    ) {
        let ld = stride ?? columns
        for r in 0..<rows {
            let row = x + r * ld
            for j in 0..<columns { sums[j] += row[j] }
        }
    }
}
