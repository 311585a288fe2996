// Vectorised exp, sigmoid and tanh for the LSTM gates and the fully connected activations (8 lanes at a time).
// exp: Cephes' expf scheme — n = round(x·log2 e), r = x − n·ln 2 (in two parts), a degree-6 polynomial, × 2ⁿ —
// accurate to about 2 ulp on [−87.3, 88.7] (inputs are clamped there). sigmoid = 1/(1+e^−x); tanh = 1 − 2/(1+e^2x).

/// Eight-lane float vector used by the kernels below.
public typealias Float8 = SIMD8<Float>

/// exp of each lane.
@inlinable @inline(__always)
public func fastExp(_ x: Float8) -> Float8 {
    let clamped = x.clamped(lowerBound: Float8(repeating: -87.3), upperBound: Float8(repeating: 88.7))
    let n = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
    var r = clamped - n * 0.693_359_375
    r = r + n * 2.121_944_4e-4
    var p = Float8(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_1e-1
    p = p * (r * r) + r + 1
    // 2ⁿ built in the exponent bits; n (integral, |n| ≤ 127) is read out of n + 1.5·2²³'s mantissa.
    let integer = unsafeBitCast(n + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Float8.self)
    return p * scale
}

extension Elementwise {
    /// x[i] ← f(x[i]) eight lanes at a time, the tail one lane at a time through the same vector code.
    @inlinable @inline(__always)
    static func map8(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: (Float8) -> Float8) {
        var i = 0
        while i + 8 <= count {
            let raw = UnsafeMutableRawPointer(x + i)
            raw.storeBytes(of: f(raw.loadUnaligned(as: Float8.self)), as: Float8.self)
            i += 8
        }
        if i < count {
            var tail = Float8(repeating: 0)
            for j in 0..<(count - i) { tail[j] = x[i + j] }
            let result = f(tail)
            for j in 0..<(count - i) { x[i + j] = result[j] }
        }
    }

    /// x ← 1 / (1 + exp(−x)), vectorised.
    @inlinable public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
        map8(x, count: count) { 1 / (1 + fastExp(-$0)) }
    }

    /// x ← tanh(x), vectorised (absolute error below 1e-7).
    @inlinable public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        map8(x, count: count) { 1 - 2 / (1 + fastExp($0 + $0)) }
    }
}
