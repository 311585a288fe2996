import Tensor
import Testing

/// c = a · wᵀ with both operands row-major, by every kernel this CPU runs, against a double-precision naive product;
/// k and n not multiples of the vector width or of the tile, m = 1…9, strides wider than the rows.
@Test(arguments: PanelGemm.Kernel.allCases.filter(\.isSupported))
func rowGemmMatchesNaiveProduct(kernel: PanelGemm.Kernel) {
    var numbers = TestNumbers(state: 11)
    for (n, k) in [(1, 1), (5, 3), (16, 16), (17, 31), (33, 7), (70, 40), (130, 19), (9, 65)] {
        let ldw = k + 1
        let w = numbers.array(n * ldw)  // [n, k] at row stride ldw
        for m in 1...9 {
            let lda = k + 2, ldc = n + 3
            let a = numbers.array(m * lda)
            var c = [Float](repeating: 42, count: m * ldc)
            multiply(m: m, n: n, k: k, a: a, lda: lda, w: w, ldw: ldw, c: &c, ldc: ldc, kernel: kernel)
            var worst: Float = 0
            for j in 0..<m {
                for x in 0..<n {
                    var sum = 0.0
                    for kk in 0..<k { sum += Double(a[j * lda + kk]) * Double(w[x * ldw + kk]) }
                    worst = max(worst, abs(c[j * ldc + x] - Float(sum)))
                }
                for x in n..<ldc { #expect(c[j * ldc + x] == 42, "\(kernel) m \(m) n \(n) k \(k): wrote past column n") }
            }
            #expect(worst <= 1e-5, "\(kernel) m \(m) n \(n) k \(k): off by \(worst)")
        }
    }
}

/// A row's results do not depend on the rows that share the call (what makes a batch equal one video at a time).
@Test(arguments: PanelGemm.Kernel.allCases.filter(\.isSupported))
func rowGemmRowsAreIndependentOfTheTile(kernel: PanelGemm.Kernel) {
    var numbers = TestNumbers(state: 5)
    let (n, k) = (72, 100)
    let w = numbers.array(n * k)
    let a = numbers.array(9 * k)
    var all = [Float](repeating: 0, count: 9 * n)
    multiply(m: 9, n: n, k: k, a: a, lda: k, w: w, ldw: k, c: &all, ldc: n, kernel: kernel)
    for j in 0..<9 {
        var one = [Float](repeating: 0, count: n)
        multiply(m: 1, n: n, k: k, a: Array(a[j * k..<(j + 1) * k]), lda: k, w: w, ldw: k, c: &one, ldc: n, kernel: kernel)
        #expect(one == Array(all[j * n..<(j + 1) * n]), "\(kernel) row \(j)")
    }
}

private func multiply(
    m: Int, n: Int, k: Int, a: [Float], lda: Int, w: [Float], ldw: Int, c: inout [Float], ldc: Int,
    kernel: PanelGemm.Kernel
) {
    a.withUnsafeBufferPointer { pa in
        w.withUnsafeBufferPointer { pw in
            c.withUnsafeMutableBufferPointer { pc in
                RowGemm.multiply(
                    m: m, n: n, k: k, a: pa.baseAddress!, lda: lda, w: pw.baseAddress!, ldw: ldw, c: pc.baseAddress!,
                    ldc: ldc, kernel: kernel)
            }
        }
    }
}
