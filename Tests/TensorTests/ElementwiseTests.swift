import Foundation
import Tensor
import Testing

/// Applies an in-place kernel to `inputs` and expects every element within `tolerance` of the scalar reference.
private func expectKernel(
    _ kernel: (UnsafeMutablePointer<Float>, Int) -> Void, matches reference: (Float) -> Float, on inputs: [Float],
    within tolerance: Float = 2e-7
) {
    var x = inputs
    x.withUnsafeMutableBufferPointer { kernel($0.baseAddress!, $0.count) }
    for (got, input) in zip(x, inputs) {
        #expect(abs(got - reference(input)) <= tolerance, "f(\(input)) = \(got), expected \(reference(input))")
    }
}

private func logistic(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

@Test func elementwiseKernelsMatchScalarMath() {
    let inputs: [Float] = [-2, -0.5, 0, 0.5, 3]
    expectKernel({ Elementwise.tanh($0, count: $1) }, matches: tanhf, on: inputs)
    expectKernel({ Elementwise.sigmoid($0, count: $1) }, matches: logistic, on: inputs)
    expectKernel({ Elementwise.relu($0, count: $1) }, matches: { max($0, 0) }, on: inputs, within: 0)
    var sums: [Float] = [1, 1]
    let m: [Float] = [1, 2, 3, 4, 5, 6]  // [3, 2]
    m.withUnsafeBufferPointer { mp in
        sums.withUnsafeMutableBufferPointer { Elementwise.accumulateColumnSums(of: mp.baseAddress!, rows: 3, columns: 2, into: $0.baseAddress!) }
    }
    #expect(sums == [10, 13])
}

@Test func gemmWithOneRowUsesTheVectorPathCorrectly() {
    // [1 2 3] · [[1 2] [3 4] [5 6]] = [22 28]; and with B transposed ([2, 3] stored) the same product.
    let a: [Float] = [1, 2, 3], b: [Float] = [1, 2, 3, 4, 5, 6], bt: [Float] = [1, 3, 5, 2, 4, 6]
    var c: [Float] = [.nan, .nan], ct: [Float] = [.nan, .nan]
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { sgemm(m: 1, n: 2, k: 3, a: pa.baseAddress!, lda: 3, b: pb.baseAddress!, ldb: 2, c: $0.baseAddress!, ldc: 2) }
        }
        bt.withUnsafeBufferPointer { pb in
            ct.withUnsafeMutableBufferPointer {
                sgemm(transposeB: true, m: 1, n: 2, k: 3, a: pa.baseAddress!, lda: 3, b: pb.baseAddress!, ldb: 3, c: $0.baseAddress!, ldc: 2)
            }
        }
    }
    #expect(c == [22, 28])
    #expect(ct == [22, 28])
}

@Test func vectorisedExpIsWithinAFewUlpOfLibm() {
    var worst: Float = 0
    for i in 0..<20_000 {
        let x = Float(i) / 20_000 * 170 - 85  // [-85, 85)
        let lanes = fastExp(Float8(repeating: x))
        worst = max(worst, abs(lanes[3] - expf(x)) / expf(x))
    }
    #expect(worst < 4e-7)
    // Saturation: sigmoid and tanh stay finite and exact at the ends (11 elements: a vector and a 3-lane tail).
    let extremes: [Float] = [-1000, -100, -20, -1e-4, 0, 1e-4, 20, 100, 1000, .greatestFiniteMagnitude, -3]
    expectKernel({ Elementwise.tanh($0, count: $1) }, matches: tanhf, on: extremes)
    expectKernel({ Elementwise.sigmoid($0, count: $1) }, matches: logistic, on: extremes)
}
