// Depthwise K×K convolutions (EfficientNet-Lite's 3×3 and 5×5, stride 1 and 2, TensorFlow "SAME" padding) on
// channel-major planes, read unpadded. A tile of R output rows × one vector of output columns stays in registers
// while every input row that feeds it is read once per kx: each loaded vector is multiplied into every output row of
// the tile it reaches (up to K of them), so a stride-1 5×5 tile of 4 rows loads 8 × 5 vectors for 100 multiply-adds.
// Tiles whose taps all fall inside the plane load directly; tiles at an edge load with a mask (zero outside the
// plane, nothing read there), so there is no padded copy. Bias and ReLU6 are applied before the one store.
// Stride 2 loads two vectors of raw columns and keeps the even ones (a permute) per kx; on AVX-512, one such pair
// per input row serves every kx (below), and 7×7 planes at stride 1 are read as one flat run.
// Variants as in PanelGemm.c: AVX-512 and AVX2+FMA (target attributes, chosen at run time) and portable C.
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

// AVX-512, 3×3 and 5×5 at stride 2: per input row, one masked load of 32 raw columns (and of the next 4) gives every
// tap: kx 0 the even lanes, kx 1 the odd lanes, kx 2, 3, 4 those lanes moved by one or two with the next columns'
// (valign), where the row kernel loads two vectors and permutes them for each kx (best of 50, one image: 96 × 112²
// 3×3 224 → 135 µs, 144 × 56² 5×5 250 → 100 µs, 672 × 14² 5×5 180 → 85 µs). Splitting each plane into its even and
// odd columns first (a copy, then unmasked loads) was slower for 3×3 and won less for 5×5.
A5_ATTR static inline __attribute__((always_inline)) void dw512_s2r_tile(
    const dw_shape *g, const int K, const int R, long y0, long x0, long n, const float *in, const float *wt, float b,
    int relu6, float *out) {
    const __m512i ei = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i oi = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    long first = x0 * 2 - g->left, base = y0 * 2 - g->top;
    __mmask16 mlo = A5_MASK(first, g->w), mhi = A5_MASK(first + 16, g->w);
    __mmask16 mnext = A5_MASK(first + 32, g->w) & (K == 3 ? 0x1 : 0xf);
    __m512 acc[DW_ROWS];
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) acc[r] = _mm512_set1_ps(b);
    _Pragma("clang loop unroll(full)") for (int d = 0; d < (R - 1) * 2 + K; d++) {
        long sy = base + d;
        if (sy < 0 || sy >= g->h) continue;
        const float *row = in + sy * g->w + first;
        __m512 lo = _mm512_maskz_loadu_ps(mlo, row), hi = _mm512_maskz_loadu_ps(mhi, row + 16);
        __m512 next = _mm512_maskz_loadu_ps(mnext, row + 32);
        __m512 tap[5];
        tap[0] = _mm512_permutex2var_ps(lo, ei, hi);
        tap[1] = _mm512_permutex2var_ps(lo, oi, hi);
        __m512i e = _mm512_castps_si512(tap[0]), o = _mm512_castps_si512(tap[1]);
        __m512i ne = _mm512_castps_si512(K == 3 ? next : _mm512_permutexvar_ps(ei, next));  // columns 32, 34
        tap[2] = _mm512_castsi512_ps(_mm512_alignr_epi32(ne, e, 1));
        if (K == 5) {
            __m512i no = _mm512_castps_si512(_mm512_permutexvar_ps(oi, next));  // columns 33, 35
            tap[3] = _mm512_castsi512_ps(_mm512_alignr_epi32(no, o, 1));
            tap[4] = _mm512_castsi512_ps(_mm512_alignr_epi32(ne, e, 2));
        }
        _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {
            int ky = d - r * 2;
            if (ky < 0 || ky >= K) continue;
            _Pragma("clang loop unroll(full)") for (int kx = 0; kx < K; kx++)
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(wt[ky * K + kx]), tap[kx], acc[r]);
        }
    }
    _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {
        __m512 v = relu6 ? A5_CLAMP6(acc[r]) : acc[r];
        if (n == 16) _mm512_storeu_ps(out + (y0 + r) * g->q + x0, v);
        else A5_MSTORE(out + (y0 + r) * g->q + x0, v, n);
    }
}

A5_ATTR static inline __attribute__((always_inline)) void dw512_s2r_plane_k(
    const dw_shape *g, const int K, const float *in, const float *wt, float b, int relu6, float *out) {
    long y = 0;
    for (; y + DW_ROWS <= g->p; y += DW_ROWS)
        for (long x0 = 0; x0 < g->q; x0 += 16)
            dw512_s2r_tile(g, K, DW_ROWS, y, x0, g->q - x0 < 16 ? g->q - x0 : 16, in, wt, b, relu6, out);
    for (; y < g->p; y++)
        for (long x0 = 0; x0 < g->q; x0 += 16)
            dw512_s2r_tile(g, K, 1, y, x0, g->q - x0 < 16 ? g->q - x0 : 16, in, wt, b, relu6, out);
}

A5_ATTR static void dw512_s2r_plane(const dw_shape *g, long K, const float *in, const float *wt, float b, int relu6, float *out) {
    if (K == 3) dw512_s2r_plane_k(g, 3, in, wt, b, relu6, out);
    else dw512_s2r_plane_k(g, 5, in, wt, b, relu6, out);
}

// AVX-512, small stride-1 planes (7×7: 7 columns a row, so a vector per row wastes 9 of 16 lanes): the
// plane is read as one flat run of P·Q pixels (P = H, Q = W at stride 1), where tap (ky, kx) of output pixel f reads
// input pixel f + (ky − top)·W + (kx − left). Each vector of 16 output pixels gets, per tap, a mask of the lanes whose
// tap lies inside the plane (row and column); the masks and offsets are the same for every channel and image of a
// call, so they are made once. 4 vectors of 4 planes go at a time (16 independent FMA chains per mask load).
#define DW_FLAT_MAX 64 /* pixels per plane (14×14 planes ran 10 % slower this way than by rows) */
#define DW_FLAT_VECTORS (DW_FLAT_MAX / 16)

typedef struct {
    long taps, vectors, offset[25];
    __mmask16 mask[DW_FLAT_VECTORS][25], last; /* last: the valid lanes of the last vector */
} dw_flat;

static int dw_flat_fits(const dw_shape *g, long K, long S) {
    return S == 1 && K <= 5 && g->p * g->q <= DW_FLAT_MAX;
}

static void dw_flat_make(dw_flat *f, const dw_shape *g, long K) {
    long pixels = g->p * g->q;
    f->taps = K * K;
    f->vectors = (pixels + 15) / 16;
    f->last = (__mmask16)(pixels % 16 == 0 ? 0xffff : (1u << (pixels % 16)) - 1);
    for (long ky = 0; ky < K; ky++)
        for (long kx = 0; kx < K; kx++) {
            long t = ky * K + kx;
            f->offset[t] = (ky - g->top) * g->w + (kx - g->left);
            for (long v = 0; v < f->vectors; v++) {
                unsigned m = 0;
                for (long i = 0; i < 16; i++) {
                    long o = v * 16 + i, y = o / g->q, x = o % g->q, sy = y + ky - g->top, sx = x + kx - g->left;
                    if (o < pixels && sy >= 0 && sy < g->h && sx >= 0 && sx < g->w) m |= 1u << i;
                }
                f->mask[v][t] = (__mmask16)m;
            }
        }
}

/// NV vectors from v0 of NC planes at once (each plane its own weights and bias): per tap, the masks and offset are
/// loaded once for all NC planes.
A5_ATTR static inline __attribute__((always_inline)) void dw512_flat_group(
    const int NV, const int NC, const dw_flat *f, long v0, const float *const *in, const float *const *wt,
    const float *b, int relu6, float *const *out) {
    __m512 acc[4][4];
    _Pragma("clang loop unroll(full)") for (int c = 0; c < NC; c++)
        _Pragma("clang loop unroll(full)") for (int j = 0; j < NV; j++) acc[c][j] = _mm512_set1_ps(b[c]);
    for (long t = 0; t < f->taps; t++) {
        long at = v0 * 16 + f->offset[t];
        __m512 w[4];
        _Pragma("clang loop unroll(full)") for (int c = 0; c < NC; c++) w[c] = _mm512_set1_ps(wt[c][t]);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < NV; j++) {
            __mmask16 m = f->mask[v0 + j][t];
            _Pragma("clang loop unroll(full)") for (int c = 0; c < NC; c++)
                acc[c][j] = _mm512_fmadd_ps(w[c], _mm512_maskz_loadu_ps(m, in[c] + at + 16 * j), acc[c][j]);
        }
    }
    _Pragma("clang loop unroll(full)") for (int c = 0; c < NC; c++)
        _Pragma("clang loop unroll(full)") for (int j = 0; j < NV; j++) {
            __m512 y = relu6 ? A5_CLAMP6(acc[c][j]) : acc[c][j];
            _mm512_mask_storeu_ps(out[c] + (v0 + j) * 16, v0 + j == f->vectors - 1 ? f->last : (__mmask16)0xffff, y);
        }
}

#define DW_FLAT_GROUPS(NC)                                                                                          \
    do {                                                                                                            \
        long v = 0;                                                                                                 \
        for (; v + 4 <= f->vectors; v += 4) dw512_flat_group(4, NC, f, v, in, wt, b, relu6, out);                  \
        switch (f->vectors - v) {                                                                                   \
        case 3: dw512_flat_group(3, NC, f, v, in, wt, b, relu6, out); break;                                        \
        case 2: dw512_flat_group(2, NC, f, v, in, wt, b, relu6, out); break;                                        \
        case 1: dw512_flat_group(1, NC, f, v, in, wt, b, relu6, out); break;                                        \
        default: break;                                                                                             \
        }                                                                                                           \
    } while (0)

/// The planes [0, planes) of a call (plane i: channel i / images), 4 at a time, then one at a time.
A5_ATTR static void dw512_flat(
    const dw_flat *f, size_t planes, size_t images, size_t in_plane, size_t out_plane, long K, const float *input,
    const float *weights, const float *bias, int relu6, float *output) {
    size_t i = 0;
    for (; i < planes; i += i + 4 <= planes ? 4 : 1) {
        int nc = i + 4 <= planes ? 4 : 1;
        const float *in[4], *wt[4];
        float b[4], *out[4];
        for (int c = 0; c < nc; c++) {
            in[c] = input + (i + c) * in_plane;
            wt[c] = weights + (i + c) / images * K * K;
            b[c] = bias[(i + c) / images];
            out[c] = output + (i + c) * out_plane;
        }
        if (nc == 4) DW_FLAT_GROUPS(4);
        else DW_FLAT_GROUPS(1);
    }
}

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
#ifdef VIGIL_X86
    if (isa == VIGIL_ISA_AVX512 && dw_flat_fits(&g, K, S)) {
        dw_flat f;
        dw_flat_make(&f, &g, K);
        dw512_flat(&f, channels * images, images, height * width, (size_t)(g.p * g.q), K, input, weights, bias, relu6, output);
        return;
    }
#endif
    for (size_t c = 0; c < channels; c++) {
        const float *wt = weights + c * kernel * kernel;
        for (size_t n = 0; n < images; n++) {
            const float *in = input + (c * images + n) * height * width;
            float *out = output + (c * images + n) * (size_t)(g.p * g.q);
#ifdef VIGIL_X86
            if (isa == VIGIL_ISA_AVX512 && S == 2 && (K == 3 || K == 5)) {
                dw512_s2r_plane(&g, K, in, wt, bias[c], relu6, out);
                continue;
            }
            if (isa == VIGIL_ISA_AVX512) { dw512_plane(&g, K, S, in, wt, bias[c], relu6, out); continue; }
            if (isa == VIGIL_ISA_AVX2) { dw256_plane(&g, K, S, in, wt, bias[c], relu6, out); continue; }
#endif
            plane_portable(&g, K, S, in, wt, bias[c], relu6, out);
        }
    }
}
