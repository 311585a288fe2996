// Small-batch products against a weight matrix packed once into 16-column panels (docs/models.md, "Recurrent
// kernel"). The LSTM step h W_hhᵀ has a few rows (the videos of a batch) against a 4H × H matrix: OpenBLAS re-packs
// that matrix at every call, which costs more than the arithmetic. Here the matrix is packed once per forward pass
// and each step streams it exactly once per tile of ≤ 8 rows: per k, one load of 16 weights per panel, one
// broadcast per row, rows × panels fused multiply-adds into registers.
// Variants: AVX-512 and AVX2+FMA (compiled with target attributes, chosen at run time), and portable C.
#include "CKernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VIGIL_X86 1
#endif

#define PW VIGIL_PANEL_WIDTH
/// Panels the driver keeps hot in L2 while it runs every row tile over them (4 × 16 columns × k floats).
#define GROUP 4

size_t vigil_panel_count(size_t n, size_t k) { return (n + PW - 1) / PW * PW * k; }

void vigil_panel_pack(size_t n, size_t k, const float *w, size_t ldw, float *panels) {
    size_t count = (n + PW - 1) / PW;
    for (size_t p = 0; p < count; p++) {
        float *out = panels + p * k * PW;
        size_t rows = n - p * PW < PW ? n - p * PW : PW;
        for (size_t k0 = 0; k0 < k; k0 += 64) {
            size_t k1 = k0 + 64 < k ? k0 + 64 : k;
            for (size_t i = 0; i < rows; i++) {
                const float *row = w + (p * PW + i) * ldw;
                for (size_t kk = k0; kk < k1; kk++) out[kk * PW + i] = row[kk];
            }
        }
        for (size_t i = rows; i < PW; i++)
            for (size_t kk = 0; kk < k; kk++) out[kk * PW + i] = 0;
    }
}

void vigil_panel_pack_transposed(size_t n, size_t k, const float *w, size_t ldw, float *panels) {
    size_t count = (n + PW - 1) / PW;
    for (size_t p = 0; p < count; p++) {
        float *out = panels + p * k * PW;
        size_t rows = n - p * PW < PW ? n - p * PW : PW;
        for (size_t kk = 0; kk < k; kk++) {
            memcpy(out + kk * PW, w + kk * ldw + p * PW, rows * sizeof(float));
            for (size_t i = rows; i < PW; i++) out[kk * PW + i] = 0;
        }
    }
}

// MARK: micro-kernels. Each computes tile[MR][NP * 16] = at[:, 0..<MR]ᵀ · panels[0..<NP] and stores it at `c`
// (row stride ldc). MR and NP are constants at every call site (the dispatch switches below), so the loops unroll
// and the accumulators live in registers.

static inline __attribute__((always_inline)) void tile_portable(
    const int MR, const int NP, size_t k, const float *at, size_t lda, const float *p, size_t pstride, float *c,
    size_t ldc) {
    float acc[4][2 * PW];
    for (int j = 0; j < MR; j++)
        for (int x = 0; x < NP * PW; x++) acc[j][x] = 0;
    for (size_t kk = 0; kk < k; kk++) {
        for (int r = 0; r < NP; r++) {
            const float *w = p + r * pstride + kk * PW;
            for (int j = 0; j < MR; j++) {
                float a = at[kk * lda + j];
                for (int x = 0; x < PW; x++) acc[j][r * PW + x] += a * w[x];
            }
        }
    }
    for (int j = 0; j < MR; j++) memcpy(c + j * ldc, acc[j], sizeof(float) * NP * PW);
}

#ifdef VIGIL_X86
__attribute__((target("avx512f"))) static inline __attribute__((always_inline)) void tile_avx512(
    const int MR, const int NP, size_t k, const float *at, size_t lda, const float *p, size_t pstride, float *c,
    size_t ldc) {
    __m512 acc[8][4];
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NP; r++) acc[j][r] = _mm512_setzero_ps();
    for (size_t kk = 0; kk < k; kk++) {
        __m512 w[4];
#pragma clang loop unroll(full)
        for (int r = 0; r < NP; r++) w[r] = _mm512_loadu_ps(p + r * pstride + kk * PW);
        const float *a = at + kk * lda;
#pragma clang loop unroll(full)
        for (int j = 0; j < MR; j++) {
            __m512 b = _mm512_set1_ps(a[j]);
#pragma clang loop unroll(full)
            for (int r = 0; r < NP; r++) acc[j][r] = _mm512_fmadd_ps(b, w[r], acc[j][r]);
        }
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NP; r++) _mm512_storeu_ps(c + j * ldc + r * PW, acc[j][r]);
}

__attribute__((target("avx2,fma"))) static inline __attribute__((always_inline)) void tile_avx2(
    const int MR, const int NP, size_t k, const float *at, size_t lda, const float *p, size_t pstride, float *c,
    size_t ldc) {
    __m256 acc[6][2][2];
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NP; r++) acc[j][r][0] = acc[j][r][1] = _mm256_setzero_ps();
    for (size_t kk = 0; kk < k; kk++) {
        __m256 w[2][2];
#pragma clang loop unroll(full)
        for (int r = 0; r < NP; r++) {
            w[r][0] = _mm256_loadu_ps(p + r * pstride + kk * PW);
            w[r][1] = _mm256_loadu_ps(p + r * pstride + kk * PW + 8);
        }
        const float *a = at + kk * lda;
#pragma clang loop unroll(full)
        for (int j = 0; j < MR; j++) {
            __m256 b = _mm256_broadcast_ss(a + j);
#pragma clang loop unroll(full)
            for (int r = 0; r < NP; r++) {
                acc[j][r][0] = _mm256_fmadd_ps(b, w[r][0], acc[j][r][0]);
                acc[j][r][1] = _mm256_fmadd_ps(b, w[r][1], acc[j][r][1]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < MR; j++)
#pragma clang loop unroll(full)
        for (int r = 0; r < NP; r++) {
            _mm256_storeu_ps(c + j * ldc + r * PW, acc[j][r][0]);
            _mm256_storeu_ps(c + j * ldc + r * PW + 8, acc[j][r][1]);
        }
}
#endif

// MARK: dispatch on (rows, panels) to constant instantiations

#define CASES_NP(F, MR, np, ...)                                                                                  \
    switch (np) {                                                                                                 \
    case 1: F(MR, 1, __VA_ARGS__); break;                                                                         \
    case 2: F(MR, 2, __VA_ARGS__); break;                                                                         \
    case 3: F(MR, 3, __VA_ARGS__); break;                                                                         \
    default: F(MR, 4, __VA_ARGS__); break;                                                                        \
    }
#define CASES_NP2(F, MR, np, ...)                                                                                 \
    switch (np) {                                                                                                 \
    case 1: F(MR, 1, __VA_ARGS__); break;                                                                         \
    default: F(MR, 2, __VA_ARGS__); break;                                                                        \
    }

/// Panels per kernel call for a tile of `mr` rows: at most 16 (AVX-512) or 12 (AVX2) accumulators, at least 4.
static int panels_per_call(vigil_isa isa, int mr) {
    switch (isa) {
    case VIGIL_ISA_AVX512: return mr <= 4 ? 4 : 2;
    case VIGIL_ISA_AVX2: return mr <= 3 ? 2 : 1;
    default: return mr <= 2 ? 2 : 1;
    }
}
static int rows_per_tile(vigil_isa isa) { return isa == VIGIL_ISA_AVX512 ? 8 : isa == VIGIL_ISA_AVX2 ? 6 : 4; }

static void call_portable(int mr, int np, size_t k, const float *at, size_t lda, const float *p, float *c, size_t ldc) {
#define P(MR, NP, ...) tile_portable(MR, NP, __VA_ARGS__)
    switch (mr) {
    case 1: CASES_NP2(P, 1, np, k, at, lda, p, k * PW, c, ldc) break;
    case 2: CASES_NP2(P, 2, np, k, at, lda, p, k * PW, c, ldc) break;
    case 3: P(3, 1, k, at, lda, p, k * PW, c, ldc); break;
    default: P(4, 1, k, at, lda, p, k * PW, c, ldc); break;
    }
#undef P
}

#ifdef VIGIL_X86
__attribute__((target("avx512f"))) static void call_avx512(
    int mr, int np, size_t k, const float *at, size_t lda, const float *p, float *c, size_t ldc) {
#define T(MR, NP, ...) tile_avx512(MR, NP, __VA_ARGS__)
    switch (mr) {
    case 1: CASES_NP(T, 1, np, k, at, lda, p, k * PW, c, ldc) break;
    case 2: CASES_NP(T, 2, np, k, at, lda, p, k * PW, c, ldc) break;
    case 3: CASES_NP(T, 3, np, k, at, lda, p, k * PW, c, ldc) break;
    case 4: CASES_NP(T, 4, np, k, at, lda, p, k * PW, c, ldc) break;
    case 5: CASES_NP2(T, 5, np, k, at, lda, p, k * PW, c, ldc) break;
    case 6: CASES_NP2(T, 6, np, k, at, lda, p, k * PW, c, ldc) break;
    case 7: CASES_NP2(T, 7, np, k, at, lda, p, k * PW, c, ldc) break;
    default: CASES_NP2(T, 8, np, k, at, lda, p, k * PW, c, ldc) break;
    }
#undef T
}

__attribute__((target("avx2,fma"))) static void call_avx2(
    int mr, int np, size_t k, const float *at, size_t lda, const float *p, float *c, size_t ldc) {
#define T(MR, NP, ...) tile_avx2(MR, NP, __VA_ARGS__)
    switch (mr) {
    case 1: CASES_NP2(T, 1, np, k, at, lda, p, k * PW, c, ldc) break;
    case 2: CASES_NP2(T, 2, np, k, at, lda, p, k * PW, c, ldc) break;
    case 3: CASES_NP2(T, 3, np, k, at, lda, p, k * PW, c, ldc) break;
    case 4: T(4, 1, k, at, lda, p, k * PW, c, ldc); break;
    case 5: T(5, 1, k, at, lda, p, k * PW, c, ldc); break;
    default: T(6, 1, k, at, lda, p, k * PW, c, ldc); break;
    }
#undef T
}
#endif

static void call_tile(vigil_isa isa, int mr, int np, size_t k, const float *at, size_t lda, const float *p, float *c,
                      size_t ldc) {
#ifdef VIGIL_X86
    if (isa == VIGIL_ISA_AVX512) return call_avx512(mr, np, k, at, lda, p, c, ldc);
    if (isa == VIGIL_ISA_AVX2) return call_avx2(mr, np, k, at, lda, p, c, ldc);
#endif
    call_portable(mr, np, k, at, lda, p, c, ldc);
}

void vigil_panel_gemm(
    vigil_isa isa, size_t m, size_t n, size_t k, const float *at, size_t lda, const float *panels, float *c,
    size_t ldc) {
    if (m == 0 || n == 0) return;
    if (!vigil_isa_supported(isa)) isa = VIGIL_ISA_PORTABLE;
    if (k == 0) {
        for (size_t j = 0; j < m; j++) memset(c + j * ldc, 0, sizeof(float) * n);
        return;
    }
    size_t count = (n + PW - 1) / PW;
    size_t mt = (size_t)rows_per_tile(isa);
    float edge[8 * 4 * PW];  // the last, partial panel's tile before its valid columns are copied out
    for (size_t p0 = 0; p0 < count; p0 += GROUP) {
        size_t group = count - p0 < GROUP ? count - p0 : GROUP;
        for (size_t m0 = 0; m0 < m; m0 += mt) {
            int mr = (int)(m - m0 < mt ? m - m0 : mt);
            int per = panels_per_call(isa, mr);
            for (size_t q = p0; q < p0 + group; q += (size_t)per) {
                int np = (int)(p0 + group - q < (size_t)per ? p0 + group - q : (size_t)per);
                size_t col = q * PW, cols = n - col < (size_t)np * PW ? n - col : (size_t)np * PW;
                const float *p = panels + q * k * PW;
                float *out = c + m0 * ldc + col;
                if (cols == (size_t)np * PW) {
                    call_tile(isa, mr, np, k, at + m0, lda, p, out, ldc);
                } else {
                    call_tile(isa, mr, np, k, at + m0, lda, p, edge, (size_t)np * PW);
                    for (int j = 0; j < mr; j++) memcpy(out + j * ldc, edge + j * np * PW, sizeof(float) * cols);
                }
            }
        }
    }
}

// MARK: CPU check

int vigil_isa_supported(vigil_isa isa) {
    switch (isa) {
    case VIGIL_ISA_PORTABLE: return 1;
#ifdef VIGIL_X86
    case VIGIL_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case VIGIL_ISA_AVX512: return __builtin_cpu_supports("avx512f");
#endif
    default: return 0;
    }
}

vigil_isa vigil_panel_best_isa(void) {
    static int best = -1;  // a benign race: every thread computes the same value
    if (best < 0) {
        best = vigil_isa_supported(VIGIL_ISA_AVX512) ? VIGIL_ISA_AVX512
               : vigil_isa_supported(VIGIL_ISA_AVX2) ? VIGIL_ISA_AVX2
                                                     : VIGIL_ISA_PORTABLE;
    }
    return (vigil_isa)best;
}
