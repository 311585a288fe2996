// Gemm: the one place the program calls OpenBLAS's matrix multiply.
import COpenBLAS

/// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, all row-major; op transposes when asked.
/// A single-row product (m == 1) goes to OpenBLAS's matrix-vector kernel, which 0.3.21's sgemm does not do itself.
@inline(__always)
public func sgemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    if m == 0 || n == 0 { return }
    if m == 1 {
        // c[1×n] = a[1×k] · op(B): y = op(B)ᵀ · x, with B row-major [k×n] (or [n×k] when transposed).
        if beta == 0 { c.update(repeating: 0, count: n) }  // sgemv scales y by beta; zero it so stale NaNs cannot leak
        let incA = transposeA ? lda : 1
        cblas_sgemv(
            CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans,
            Int32(transposeB ? n : k), Int32(transposeB ? k : n), alpha, b, Int32(ldb), a, Int32(incA), beta, c, 1)
        return
    }
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
