import Tensor
import Testing

/// c = a · Wᵀ by every kernel this CPU runs against a double-precision naive reference, on sizes that are not
/// multiples of the 16-column panel (n, k) nor of the 8-row tile (m = 1…9), with row strides wider than the rows.
@Test(arguments: PanelGemm.Kernel.allCases.filter(\.isSupported))
func panelGemmMatchesNaiveProduct(kernel: PanelGemm.Kernel) {
    var numbers = TestNumbers(state: 7)
    for (n, k) in [(1, 1), (5, 3), (16, 16), (17, 31), (33, 7), (70, 40), (130, 19)] {
        let w = numbers.array(n * k)  // [n, k]
        var panels = [Float](repeating: .nan, count: PanelGemm.packedCount(rows: n, columns: k))
        w.withUnsafeBufferPointer { pw in
            panels.withUnsafeMutableBufferPointer { PanelGemm.pack(pw.baseAddress!, rows: n, columns: k, into: $0.baseAddress!) }
        }
        for m in 1...9 {
            let lda = m + 2, ldc = n + 3
            let aT = numbers.array(k * lda)  // a[j][kk] at aT[kk * lda + j]
            var c = [Float](repeating: 42, count: m * ldc)
            aT.withUnsafeBufferPointer { pa in
                panels.withUnsafeBufferPointer { pp in
                    c.withUnsafeMutableBufferPointer { pc in
                        PanelGemm.multiply(
                            m: m, n: n, k: k, aT: pa.baseAddress!, lda: lda, panels: pp.baseAddress!,
                            c: pc.baseAddress!, ldc: ldc, kernel: kernel)
                    }
                }
            }
            var worst: Float = 0
            for j in 0..<m {
                for x in 0..<n {
                    var sum = 0.0
                    for kk in 0..<k { sum += Double(aT[kk * lda + j]) * Double(w[x * k + kk]) }
                    worst = max(worst, abs(c[j * ldc + x] - Float(sum)))
                }
                for x in n..<ldc { #expect(c[j * ldc + x] == 42, "\(kernel) m \(m) n \(n) k \(k): wrote past column n") }
            }
            #expect(worst <= 1e-5, "\(kernel) m \(m) n \(n) k \(k): off by \(worst)")
        }
    }
}

@Test func panelGemmPicksAKernelThisCPURuns() {
    #expect(PanelGemm.Kernel.best.isSupported)
    #expect(PanelGemm.Kernel.portable.isSupported)
}

/// `packTransposed` of w [k, n] writes exactly what `pack` writes for the materialised wᵀ [n, k].
@Test func panelPackTransposedEqualsPackingTheTranspose() {
    var numbers = TestNumbers(state: 3)
    for (n, k) in [(1, 1), (10, 40), (16, 5), (33, 17)] {
        let ldw = n + 2
        let w = numbers.array(k * ldw)  // [k, n] at row stride ldw
        var transposed = [Float](repeating: 0, count: n * k)
        for kk in 0..<k { for x in 0..<n { transposed[x * k + kk] = w[kk * ldw + x] } }
        let count = PanelGemm.packedCount(rows: n, columns: k)
        var expected = [Float](repeating: .nan, count: count)
        var panels = [Float](repeating: .nan, count: count)
        transposed.withUnsafeBufferPointer { t in
            expected.withUnsafeMutableBufferPointer { PanelGemm.pack(t.baseAddress!, rows: n, columns: k, into: $0.baseAddress!) }
        }
        w.withUnsafeBufferPointer { pw in
            panels.withUnsafeMutableBufferPointer {
                PanelGemm.packTransposed(pw.baseAddress!, rows: n, columns: k, ldw: ldw, into: $0.baseAddress!)
            }
        }
        #expect(panels == expected, "n \(n) k \(k)")
    }
}

/// `relayAsPanels` leaves in the tensor exactly what `pack` writes, shaped [⌈n/16⌉, k, 16]: in place for n a multiple
/// of 16, zero-padded new storage otherwise.
@Test func relayAsPanelsEqualsPacking() {
    var numbers = TestNumbers(state: 5)
    for (n, k) in [(16, 1), (32, 40), (80, 20), (1, 3), (33, 17)] {
        let w = numbers.array(n * k)
        var expected = [Float](repeating: .nan, count: PanelGemm.packedCount(rows: n, columns: k))
        w.withUnsafeBufferPointer { pw in
            expected.withUnsafeMutableBufferPointer { PanelGemm.pack(pw.baseAddress!, rows: n, columns: k, into: $0.baseAddress!) }
        }
        var tensor = Tensor(shape: [n, k], scalars: w)
        PanelGemm.relayAsPanels(&tensor)
        #expect(tensor.shape == [(n + 15) / 16, k, 16], "n \(n) k \(k)")
        #expect(tensor.scalars == expected, "n \(n) k \(k)")
    }
}
