// PanelGemm: products of a few rows against a weight matrix re-laid once into 16-column panels (Sources/CKernels).
// For y = a Wᵀ with a of 1…8 rows and W fixed for many calls (the LSTM's recurrent step against W_hh): OpenBLAS packs
// W at every call, which costs more than the arithmetic at these shapes; here W is packed once and each call
// streams it once per tile of rows. The only caller of CKernels.
import CKernels

/// Small-batch matrix products against panel-packed weights: `pack` once, then `multiply` as often as needed.
public enum PanelGemm {
    /// The instruction set a kernel runs with; `best` is this CPU's, chosen at run time.
    public enum Kernel: Sendable, CaseIterable, CustomStringConvertible {
        case portable, avx2, avx512

        /// The fastest kernel this CPU (and OS) runs: AVX-512, else AVX2 with FMA, else portable C.
        public static var best: Kernel {
            switch vigil_panel_best_isa() {
            case VIGIL_ISA_AVX512: .avx512
            case VIGIL_ISA_AVX2: .avx2
            default: .portable
            }
        }

        /// Whether this CPU runs the kernel.
        public var isSupported: Bool { vigil_isa_supported(isa) != 0 }

        public var description: String {
            switch self {
            case .portable: "portable"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
        }

        var isa: vigil_isa {
            switch self {
            case .portable: VIGIL_ISA_PORTABLE
            case .avx2: VIGIL_ISA_AVX2
            case .avx512: VIGIL_ISA_AVX512
            }
        }
    }

    /// Floats the panels of an [n, k] matrix take: ⌈n / 16⌉ · 16 · k (the last panel is padded with zeros).
    public static func packedCount(rows n: Int, columns k: Int) -> Int { vigil_panel_count(n, k) }

    /// Re-lays row-major w [n, k] (row stride ldw, default k) into `panels` (`packedCount(rows: n, columns: k)` floats).
    public static func pack(
        _ w: UnsafePointer<Float>, rows n: Int, columns k: Int, ldw: Int? = nil, into panels: UnsafeMutablePointer<Float>
    ) {
        vigil_panel_pack(n, k, w, ldw ?? k, panels)
    }

    /// The panels `pack` writes for wᵀ [n, k], read from row-major w [k, n] (row stride ldw, default n): then
    /// `multiply` gives c = a · w (e.g. d h = d gates · W_hh) with no transposed copy of w.
    public static func packTransposed(
        _ w: UnsafePointer<Float>, rows n: Int, columns k: Int, ldw: Int? = nil, into panels: UnsafeMutablePointer<Float>
    ) {
        vigil_panel_pack_transposed(n, k, w, ldw ?? n, panels)
    }

    /// c[m, n] (row stride ldc) = a · Wᵀ, W [n, k] as `pack` left it in `panels`; a is given transposed, K-major:
    /// `aT[kk * lda + j]` is a[j][kk] (lda ≥ m). Single-threaded; rows in tiles of 8 (AVX-512).
    public static func multiply(
        m: Int, n: Int, k: Int, aT: UnsafePointer<Float>, lda: Int, panels: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, kernel: Kernel = .best
    ) {
        precondition(lda >= m && ldc >= n, "PanelGemm: lda \(lda) < m \(m) or ldc \(ldc) < n \(n)")
        vigil_panel_gemm(kernel.isa, m, n, k, aT, lda, panels, c, ldc)
    }
}
