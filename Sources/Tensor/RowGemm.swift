// RowGemm: products of a few rows against a weight matrix read as it is stored, row-major (Sources/CKernels).
// For y = a Wᵀ with a of 1…8 rows (the LSTM's recurrent step against W_hh): every output is a dot product of two
// contiguous rows, so W needs no packed copy (PanelGemm's panels are a second copy of W) and is streamed once per
// tile of ≤ 8 rows. A row's results do not depend on how many rows share the call.
import CKernels

/// Small-batch matrix products against row-major weights, without packing them.
public enum RowGemm {
    /// c[m, n] (row stride ldc) = a · wᵀ, a [m, k] (row stride lda) and w [n, k] (row stride ldw) row-major.
    /// Single-threaded; rows of a in tiles of 8.
    public static func multiply(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, w: UnsafePointer<Float>, ldw: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, kernel: PanelGemm.Kernel = .best
    ) {
        precondition(lda >= k && ldw >= k && ldc >= n, "RowGemm: lda \(lda) or ldw \(ldw) < k \(k), or ldc \(ldc) < n \(n)")
        vigil_row_gemm(kernel.isa, m, n, k, a, lda, w, ldw, c, ldc)
    }
}
