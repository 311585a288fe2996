import Foundation
import Testing
import Tensor

@Test func elementwiseKernelsMatchScalarMath() {
    var x: [Float] = [-2, -0.5, 0, 0.5, 3]
    let original = x
    x.withUnsafeMutableBufferPointer { Elementwise.tanh($0.baseAddress!, count: $0.count) }
    #expect(zip(x, original).allSatisfy { abs($0 - tanhf($1)) < 1e-7 })
    x = original
    x.withUnsafeMutableBufferPointer { Elementwise.sigmoid($0.baseAddress!, count: $0.count) }
    #expect(zip(x, original).allSatisfy { abs($0 - 1 / (1 + expf(-$1))) < 1e-7 })
    x = original
    x.withUnsafeMutableBufferPointer { Elementwise.relu($0.baseAddress!, count: $0.count) }
    #expect(x == [0, 0, 0, 0.5, 3])
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
