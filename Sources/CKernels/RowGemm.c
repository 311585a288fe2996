// Small-batch products against a row-major weight matrix used as it is stored (docs/models.md, "Recurrent kernel"):
// c = a · wᵀ, each output one dot product of a row of a (≤ 8 videos' states, kept in L1) with a row of w. The LSTM
// step h W_hhᵀ streams W_hh [4H, H] once per tile of ≤ 8 rows without a packed copy of it, so the weights the model
// loaded are the only copy in memory (the panels `vigil_panel_pack` writes cost 16 MB per direction at H = 1024).
// Each tile prefetches the next tile's weight rows as it goes: with two rows at a time the hardware prefetcher
// alone left the kernel waiting on memory (perf: half its time on the weight loads, 2× PanelGemm's time).
// Each output accumulates 16 (AVX-512) or 8 (AVX2) lanes over k in order, then adds the lanes in a fixed order: a
// row's results do not depend on how many rows run with it, so a batched pass equals one video at a time exactly.
// Variants: AVX-512 and AVX2+FMA (compiled with target attributes, chosen at run time), and portable C.
#include "CKernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VIGIL_X86 1
#endif

/// Rows of w the driver keeps hot in L2 while every tile of a's rows runs over them (64 × k floats).
#define BLOCK 64

static void row_portable(
    size_t m, size_t n, size_t k, const float *a, size_t lda, const float *w, size_t ldw, float *c, size_t ldc) {
    for (size_t j = 0; j < m; j++)
        for (size_t x = 0; x < n; x++) {
            float sum = 0;
            for (size_t kk = 0; kk < k; kk++) sum += a[j * lda + kk] * w[x * ldw + kk];
            c[j * ldc + x] = sum;
        }
}

#ifdef VIGIL_X86
// tile[MR][NR] = a[0..<MR] · w[0..<NR]ᵀ; MR and NR are constants at every call site, so the loops unroll and the
// MR × NR ≤ 16 accumulators stay in registers for the whole of k.
__attribute__((target("avx512f"))) static inline __attribute__((always_inline)) void row_tile_avx512(
    const int MR, const int NR, size_t k, const float *a, size_t lda, const float *w, size_t ldw, float *c,
    size_t ldc) {
    __m512 acc[8][8];
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) acc[j][r] = _mm512_setzero_ps();
    size_t kk = 0;
    for (; kk + 16 <= k; kk += 16) {
        __m512 wv[8];
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) {
            _mm_prefetch((const char *)(w + (r + NR) * ldw + kk), _MM_HINT_T0);  // the next tile's rows (no fault)
            wv[r] = _mm512_loadu_ps(w + r * ldw + kk);
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < MR; j++) {
            __m512 av = _mm512_loadu_ps(a + j * lda + kk);
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) acc[j][r] = _mm512_fmadd_ps(av, wv[r], acc[j][r]);
        }
    }
    if (kk < k) {
        __mmask16 mask = (__mmask16)((1u << (k - kk)) - 1);
        __m512 wv[8];
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) wv[r] = _mm512_maskz_loadu_ps(mask, w + r * ldw + kk);
#pragma clang loop unroll(full)
        for (int j = 0; j < MR; j++) {
            __m512 av = _mm512_maskz_loadu_ps(mask, a + j * lda + kk);
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) acc[j][r] = _mm512_fmadd_ps(av, wv[r], acc[j][r]);
        }
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) c[j * ldc + r] = _mm512_reduce_add_ps(acc[j][r]);
}

__attribute__((target("avx2,fma"))) static inline __attribute__((always_inline)) float hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) static inline __attribute__((always_inline)) void row_tile_avx2(
    const int MR, const int NR, size_t k, const float *a, size_t lda, const float *w, size_t ldw, float *c,
    size_t ldc) {
    __m256 acc[8][4];
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) acc[j][r] = _mm256_setzero_ps();
    size_t kk = 0;
    for (; kk + 8 <= k; kk += 8) {
        __m256 wv[4];
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) {
            if (kk % 16 == 0) _mm_prefetch((const char *)(w + (r + NR) * ldw + kk), _MM_HINT_T0);
            wv[r] = _mm256_loadu_ps(w + r * ldw + kk);
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < MR; j++) {
            __m256 av = _mm256_loadu_ps(a + j * lda + kk);
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) acc[j][r] = _mm256_fmadd_ps(av, wv[r], acc[j][r]);
        }
    }
    if (kk < k) {
        static const int lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
        __m256i mask = _mm256_loadu_si256((const __m256i *)(lanes + 8 - (k - kk)));
        __m256 wv[4];
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) wv[r] = _mm256_maskload_ps(w + r * ldw + kk, mask);
#pragma clang loop unroll(full)
        for (int j = 0; j < MR; j++) {
            __m256 av = _mm256_maskload_ps(a + j * lda + kk, mask);
#pragma clang loop unroll(full)
            for (int r = 0; r < NR; r++) acc[j][r] = _mm256_fmadd_ps(av, wv[r], acc[j][r]);
        }
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NR; r++) c[j * ldc + r] = hsum_avx2(acc[j][r]);
}

// Every row x0..<x1 of w against rows j0..<j0+MR of a: NR rows of w per tile, the last few one at a time.
#define ROW_RUN(TILE, MR, NR)                                                                                     \
    do {                                                                                                          \
        size_t x = x0;                                                                                            \
        for (; x + NR <= x1; x += NR) TILE(MR, NR, k, a + j0 * lda, lda, w + x * ldw, ldw, c + j0 * ldc + x, ldc); \
        for (; x < x1; x++) TILE(MR, 1, k, a + j0 * lda, lda, w + x * ldw, ldw, c + j0 * ldc + x, ldc);           \
    } while (0)

__attribute__((target("avx512f"))) static void row_avx512(
    size_t m, size_t n, size_t k, const float *a, size_t lda, const float *w, size_t ldw, float *c, size_t ldc) {
    for (size_t x0 = 0; x0 < n; x0 += BLOCK) {
        size_t x1 = x0 + BLOCK < n ? x0 + BLOCK : n;
        for (size_t j0 = 0; j0 < m; j0 += 4) {
            switch (m - j0 < 4 ? m - j0 : 4) {  // 16 accumulators: 4 rows × 4 (the block's second pass is in L2)
            case 1: ROW_RUN(row_tile_avx512, 1, 8); break;
            case 2: ROW_RUN(row_tile_avx512, 2, 8); break;
            case 3: ROW_RUN(row_tile_avx512, 3, 4); break;
            default: ROW_RUN(row_tile_avx512, 4, 4); break;
            }
        }
    }
}

__attribute__((target("avx2,fma"))) static void row_avx2(
    size_t m, size_t n, size_t k, const float *a, size_t lda, const float *w, size_t ldw, float *c, size_t ldc) {
    for (size_t x0 = 0; x0 < n; x0 += BLOCK) {
        size_t x1 = x0 + BLOCK < n ? x0 + BLOCK : n;
        for (size_t j0 = 0; j0 < m; j0 += 8) {
            switch (m - j0 < 8 ? m - j0 : 8) {  // at most 8 accumulators of the 16 ymm registers
            case 1: ROW_RUN(row_tile_avx2, 1, 4); break;
            case 2: ROW_RUN(row_tile_avx2, 2, 4); break;
            case 3: ROW_RUN(row_tile_avx2, 3, 2); break;
            case 4: ROW_RUN(row_tile_avx2, 4, 2); break;
            case 5: ROW_RUN(row_tile_avx2, 5, 1); break;
            case 6: ROW_RUN(row_tile_avx2, 6, 1); break;
            case 7: ROW_RUN(row_tile_avx2, 7, 1); break;
            default: ROW_RUN(row_tile_avx2, 8, 1); break;
            }
        }
    }
}
#endif

void vigil_row_gemm(
    vigil_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda, const float *w, size_t ldw, float *c,
    size_t ldc) {
    if (!vigil_isa_supported(isa)) isa = VIGIL_ISA_PORTABLE;
    switch (isa) {
#ifdef VIGIL_X86
    case VIGIL_ISA_AVX512: row_avx512(m, n, k, a, lda, w, ldw, c, ldc); return;
    case VIGIL_ISA_AVX2: row_avx2(m, n, k, a, lda, w, ldw, c, ldc); return;
#endif
    default: row_portable(m, n, k, a, lda, w, ldw, c, ldc); return;
    }
}
