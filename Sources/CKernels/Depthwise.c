// Depthwise K×K convolutions (EfficientNet-Lite's 3×3 and 5×5, stride 1 and 2, TensorFlow "SAME" padding) on
// channel-major planes, read unpadded. A tile of R output rows × one vector of output columns stays in registers
// while every input row that feeds it is read once per kx: each loaded vector is multiplied into every output row of
// the tile it reaches (up to K of them), so a stride-1 5×5 tile of 4 rows loads 8 × 5 vectors for 100 multiply-adds.
// Tiles whose taps all fall inside the plane load directly; tiles at an edge load with a mask (zero outside the
// plane, nothing read there), so there is no padded copy. Bias and ReLU6 are applied before the one store.
// Stride 2 loads two vectors of raw columns and keeps the even ones (a permute). Variants as in PanelGemm.c:
// AVX-512 and AVX2+FMA (target attributes, chosen at run time) and portable C.
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VIGIL_X86 1
#endif

/// Output rows per register tile (the last rows of a plane go one at a time).
#define DW_ROWS 4

/// The plane geometry of one call, shared by every channel and image.
typedef struct {
    long h, w, p, q, top, left;
} dw_shape;

static void same_padding(long in, long k, long s, long *out, long *before) {
    *out = (in + s - 1) / s;
    long total = (*out - 1) * s + k - in;
    *before = total > 0 ? total / 2 : 0;
}

// MARK: portable C (any K, any stride)

static void plane_portable(
    const dw_shape *g, long K, long S, const float *in, const float *wt, float b, int relu6, float *out) {
    for (long y = 0; y < g->p; y++)
        for (long x = 0; x < g->q; x++) {
            float acc = b;
            for (long ky = 0; ky < K; ky++) {
                long sy = y * S + ky - g->top;
                if (sy < 0 || sy >= g->h) continue;
                for (long kx = 0; kx < K; kx++) {
                    long sx = x * S + kx - g->left;
                    if (sx >= 0 && sx < g->w) acc += wt[ky * K + kx] * in[sy * g->w + sx];
                }
            }
            if (relu6) acc = acc < 0 ? 0 : (acc > 6 ? 6 : acc);
            out[y * g->q + x] = acc;
        }
}

#ifdef VIGIL_X86
// MARK: vector variants. DW_PLANE defines one ISA's plane kernel from its vector operations:
//   VT vector type, VL lanes, LOAD(p) unaligned load, MLOAD(p, first) load of lanes whose column first + i lies in
//   [0, w) (others zero), EVEN(a, b) the even lanes of a then b, SET1, FMA(a, b, c) = a·b + c, CLAMP6(v),
//   STORE(p, v), MSTORE(p, v, n) store of the first n lanes.
#define DW_PLANE(NAME, ATTR, VT, VL, LOAD, MLOAD, EVEN, SET1, FMA, CLAMP6, STORE, MSTORE)                           \
    ATTR static inline __attribute__((always_inline)) VT NAME##_load(                                             \
        const float *row, long first, long w, const int S, const int edge) {                                      \
        if (S == 1) return edge ? MLOAD(row + first, first, w) : LOAD(row + first);                               \
        VT lo = edge ? MLOAD(row + first, first, w) : LOAD(row + first);                                          \
        VT hi = edge ? MLOAD(row + first + VL, first + VL, w) : LOAD(row + first + VL);                           \
        return EVEN(lo, hi);                                                                                      \
    }                                                                                                             \
    /* R output rows from y0, VL columns from x0 (n of them stored). */                                           \
    ATTR static inline __attribute__((always_inline)) void NAME##_tile(                                           \
        const dw_shape *g, const int K, const int S, const int R, const int edge, long y0, long x0, long n,       \
        const float *in, const float *wt, float b, int relu6, float *out) {                                       \
        VT acc[DW_ROWS];                                                                                          \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) acc[r] = SET1(b);                          \
        long first = x0 * S - g->left, base = y0 * S - g->top;                                                    \
        _Pragma("clang loop unroll(full)") for (int d = 0; d < (R - 1) * S + K; d++) {                            \
            long sy = base + d;                                                                                   \
            if (sy < 0 || sy >= g->h) continue;                                                                   \
            const float *row = in + sy * g->w;                                                                    \
            _Pragma("clang loop unroll(full)") for (int kx = 0; kx < K; kx++) {                                   \
                VT v = NAME##_load(row, first + kx, g->w, S, edge);                                               \
                _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                                  \
                    int ky = d - r * S;                                                                           \
                    if (ky >= 0 && ky < K) acc[r] = FMA(SET1(wt[ky * K + kx]), v, acc[r]);                        \
                }                                                                                                 \
            }                                                                                                     \
        }                                                                                                         \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                                          \
            VT v = relu6 ? CLAMP6(acc[r]) : acc[r];                                                               \
            if (n == VL) STORE(out + (y0 + r) * g->q + x0, v);                                                    \
            else MSTORE(out + (y0 + r) * g->q + x0, v, n);                                                        \
        }                                                                                                         \
    }                                                                                                             \
    ATTR static inline __attribute__((always_inline)) void NAME##_rows(                                           \
        const dw_shape *g, const int K, const int S, const int R, long y0, const float *in, const float *wt,     \
        float b, int relu6, float *out) {                                                                         \
        for (long x0 = 0; x0 < g->q; x0 += VL) {                                                                  \
            long n = g->q - x0 < VL ? g->q - x0 : VL;                                                             \
            long first = x0 * S - g->left, last = first + (K - 1) + (S == 1 ? VL - 1 : 2 * VL - 1);               \
            if (first >= 0 && last < g->w) NAME##_tile(g, K, S, R, 0, y0, x0, n, in, wt, b, relu6, out);          \
            else NAME##_tile(g, K, S, R, 1, y0, x0, n, in, wt, b, relu6, out);                                    \
        }                                                                                                         \
    }                                                                                                             \
    ATTR static inline __attribute__((always_inline)) void NAME##_plane_ks(                                                                           \
        const dw_shape *g, const int K, const int S, const float *in, const float *wt, float b, int relu6,       \
        float *out) {                                                                                             \
        long y = 0;                                                                                               \
        for (; y + DW_ROWS <= g->p; y += DW_ROWS) NAME##_rows(g, K, S, DW_ROWS, y, in, wt, b, relu6, out);        \
        for (; y < g->p; y++) NAME##_rows(g, K, S, 1, y, in, wt, b, relu6, out);                                  \
    }                                                                                                             \
    ATTR static void NAME##_plane(                                                                                \
        const dw_shape *g, long K, long S, const float *in, const float *wt, float b, int relu6, float *out) {   \
        if (K == 3 && S == 1) NAME##_plane_ks(g, 3, 1, in, wt, b, relu6, out);                                    \
        else if (K == 3 && S == 2) NAME##_plane_ks(g, 3, 2, in, wt, b, relu6, out);                               \
        else if (K == 5 && S == 1) NAME##_plane_ks(g, 5, 1, in, wt, b, relu6, out);                               \
        else if (K == 5 && S == 2) NAME##_plane_ks(g, 5, 2, in, wt, b, relu6, out);                               \
        else plane_portable(g, K, S, in, wt, b, relu6, out);                                                      \
    }

// AVX-512: masks from lane indices; even lanes of two vectors with one two-source permute.
#define A5_ATTR __attribute__((target("avx512f")))
#define A5_MASK(first, w) /* lanes i with 0 <= first + i < w */                                                   \
    _mm512_mask_cmplt_epi32_mask(                                                                                 \
        _mm512_cmpge_epi32_mask(_mm512_add_epi32(_mm512_set1_epi32((int)(first)), a5_lanes()), _mm512_setzero_si512()), \
        _mm512_add_epi32(_mm512_set1_epi32((int)(first)), a5_lanes()), _mm512_set1_epi32((int)(w)))
A5_ATTR static inline __attribute__((always_inline)) __m512i a5_lanes(void) {
    return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
#define A5_MLOAD(p, first, w) _mm512_maskz_loadu_ps(A5_MASK(first, w), (p))
#define A5_EVEN(a, b)                                                                                             \
    _mm512_permutex2var_ps((a), _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), (b))
#define A5_CLAMP6(v) _mm512_min_ps(_mm512_max_ps((v), _mm512_setzero_ps()), _mm512_set1_ps(6))
#define A5_MSTORE(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (v))
DW_PLANE(dw512, A5_ATTR, __m512, 16, _mm512_loadu_ps, A5_MLOAD, A5_EVEN, _mm512_set1_ps, _mm512_fmadd_ps,
         A5_CLAMP6, _mm512_storeu_ps, A5_MSTORE)

// AVX2: maskload/maskstore with integer lane masks; even lanes by a 2-source shuffle and a 64-bit lane permute.
#define A2_ATTR __attribute__((target("avx2,fma")))
A2_ATTR static inline __attribute__((always_inline)) __m256i a2_mask(long first, long w) {
    __m256i i = _mm256_add_epi32(_mm256_set1_epi32((int)first), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256i ge0 = _mm256_cmpgt_epi32(i, _mm256_set1_epi32(-1));
    __m256i ltw = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)w), i);
    return _mm256_and_si256(ge0, ltw);
}
#define A2_MLOAD(p, first, w) _mm256_maskload_ps((p), a2_mask((first), (w)))
#define A2_EVEN(a, b)                                                                                             \
    _mm256_castpd_ps(_mm256_permute4x64_pd(                                                                       \
        _mm256_castps_pd(_mm256_shuffle_ps((a), (b), _MM_SHUFFLE(2, 0, 2, 0))), _MM_SHUFFLE(3, 1, 2, 0)))
#define A2_CLAMP6(v) _mm256_min_ps(_mm256_max_ps((v), _mm256_setzero_ps()), _mm256_set1_ps(6))
#define A2_MSTORE(p, v, n) _mm256_maskstore_ps((p), a2_mask(0, (n)), (v))
DW_PLANE(dw256, A2_ATTR, __m256, 8, _mm256_loadu_ps, A2_MLOAD, A2_EVEN, _mm256_set1_ps, _mm256_fmadd_ps,
         A2_CLAMP6, _mm256_storeu_ps, A2_MSTORE)
#endif

void vigil_depthwise(
    vigil_isa isa, size_t channels, size_t images, size_t height, size_t width, size_t kernel, size_t stride,
    const float *input, const float *weights, const float *bias, int relu6, float *output) {
    if (!vigil_isa_supported(isa)) isa = VIGIL_ISA_PORTABLE;
    dw_shape g = {.h = (long)height, .w = (long)width};
    same_padding(g.h, (long)kernel, (long)stride, &g.p, &g.top);
    same_padding(g.w, (long)kernel, (long)stride, &g.q, &g.left);
    long K = (long)kernel, S = (long)stride;
    for (size_t c = 0; c < channels; c++) {
        const float *wt = weights + c * kernel * kernel;
        for (size_t n = 0; n < images; n++) {
            const float *in = input + (c * images + n) * height * width;
            float *out = output + (c * images + n) * (size_t)(g.p * g.q);
#ifdef VIGIL_X86
            if (isa == VIGIL_ISA_AVX512) { dw512_plane(&g, K, S, in, wt, bias[c], relu6, out); continue; }
            if (isa == VIGIL_ISA_AVX2) { dw256_plane(&g, K, S, in, wt, bias[c], relu6, out); continue; }
#endif
            plane_portable(&g, K, S, in, wt, bias[c], relu6, out);
        }
    }
}
