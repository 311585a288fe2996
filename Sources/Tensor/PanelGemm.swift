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

    /// Re-lays a row-major weight w [n, k] as the panels `pack` writes, shape [⌈n/16⌉, k, 16] (panel, k, lane), for a
    /// model that only infers and so never needs w row-major again: in place when n is a multiple of 16 (rows
    /// 16p…16p+15 and panel p cover the same floats; one 16-row block of scratch), else into new zero-padded storage.
    public static func relayAsPanels(_ w: inout Tensor) {
        precondition(w.shape.count == 2, "PanelGemm: relayAsPanels needs a matrix, not shape \(w.shape)")
        let (n, k, width) = (w.shape[0], w.shape[1], Int(VIGIL_PANEL_WIDTH))
        if n % width == 0 {
            let block = UnsafeMutablePointer<Float>.allocate(capacity: width * k)
            defer { block.deallocate() }
            w.scalars.withUnsafeMutableBufferPointer { all in
                for p in 0..<n / width {
                    let rows = all.baseAddress! + p * width * k
                    block.update(from: rows, count: width * k)
                    pack(block, rows: width, columns: k, into: rows)
                }
            }
        } else {
            var panels = [Float](repeating: 0, count: packedCount(rows: n, columns: k))
            w.scalars.withUnsafeBufferPointer { rows in
                panels.withUnsafeMutableBufferPointer { pack(rows.baseAddress!, rows: n, columns: k, into: $0.baseAddress!) }
            }
            w.scalars = panels
        }
        w.shape = [(n + width - 1) / width, k, width]
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
