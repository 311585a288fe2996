// 1×1 convolutions on channel-major activations without a GEMM library: out[o, m] = act(bias[o] + Σc w[o, c] ·
// in[c, m]) (+ residual[o, m]), m over the N·H·W pixels of the batch. The weights are packed once at load into blocks
// of 8 output channels ([block][c][8]), so a register tile of 8 channels × up to 3 vectors of pixels (24
// accumulators) reads, per input channel, one contiguous run of 8 weights (broadcast) and up to 3 vectors of one
// input row; the input is read where it lies (no packing copy per call, as OpenBLAS's sgemm makes), and bias, ReLU6
// and the block's residual are applied before the one store. Callers split the pixel tiles or the channel blocks
// across threads (the ranges below). Variants: AVX-512 (target attribute, chosen at run time) and portable C.
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VIGIL_X86 1
#endif

/// Output channels per packed block (rows of a register tile).
#define PW_ROWS 8
/// Pixels per full register tile (3 vectors of 16).
#define PW_TILE 48

size_t vigil_pointwise_packed_count(size_t out_channels, size_t in_channels) {
    return (out_channels + PW_ROWS - 1) / PW_ROWS * PW_ROWS * in_channels;
}

void vigil_pointwise_pack(size_t out_channels, size_t in_channels, const float *weights, float *packed) {
    size_t blocks = (out_channels + PW_ROWS - 1) / PW_ROWS;
    for (size_t b = 0; b < blocks; b++)
        for (size_t c = 0; c < in_channels; c++)
            for (size_t r = 0; r < PW_ROWS; r++) {
                size_t o = b * PW_ROWS + r;
                packed[(b * in_channels + c) * PW_ROWS + r] = o < out_channels ? weights[o * in_channels + c] : 0;
            }
}

size_t vigil_pointwise_tiles(size_t pixels) { return (pixels + PW_TILE - 1) / PW_TILE; }

size_t vigil_pointwise_blocks(size_t out_channels) { return (out_channels + PW_ROWS - 1) / PW_ROWS; }

// MARK: portable C

static void tile_portable(
    size_t out_channels, size_t in_channels, size_t pixels, size_t block, size_t m0, size_t n, const float *packed,
    const float *bias, const float *input, const float *residual, int relu6, float *output) {
    const float *w = packed + block * in_channels * PW_ROWS;
    for (size_t r = 0; r < PW_ROWS; r++) {
        size_t o = block * PW_ROWS + r;
        if (o >= out_channels) break;
        for (size_t i = 0; i < n; i++) {
            float acc = bias[o];
            for (size_t c = 0; c < in_channels; c++) acc += w[c * PW_ROWS + r] * input[c * pixels + m0 + i];
            if (relu6) acc = acc < 0 ? 0 : (acc > 6 ? 6 : acc);
            if (residual) acc += residual[o * pixels + m0 + i];
            output[o * pixels + m0 + i] = acc;
        }
    }
}

#ifdef VIGIL_X86
// MARK: AVX-512

#define A5 __attribute__((target("avx512f")))

/// One tile: 8 channels of `block` × V vectors from pixel m0, n ≤ 16·V of them valid (the last vector masked).
A5 static inline __attribute__((always_inline)) void tile_avx512(
    const int V, size_t out_channels, size_t in_channels, size_t pixels, size_t block, size_t m0, size_t n,
    const float *packed, const float *bias, const float *input, const float *residual, int relu6, float *output) {
    __m512 acc[PW_ROWS][3];
    __mmask16 last = n >= (size_t)(16 * V) ? (__mmask16)0xffff : (__mmask16)((1u << (n - 16 * (V - 1))) - 1);
    _Pragma("clang loop unroll(full)") for (int r = 0; r < PW_ROWS; r++)
        _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[r][v] = _mm512_setzero_ps();
    const float *w = packed + block * in_channels * PW_ROWS;
    const float *x = input + m0;
    for (size_t c = 0; c < in_channels; c++, w += PW_ROWS, x += pixels) {
        __m512 in[3];
        _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++)
            in[v] = v == V - 1 ? _mm512_maskz_loadu_ps(last, x + 16 * v) : _mm512_loadu_ps(x + 16 * v);
        _Pragma("clang loop unroll(full)") for (int r = 0; r < PW_ROWS; r++) {
            __m512 wr = _mm512_set1_ps(w[r]);
            _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(wr, in[v], acc[r][v]);
        }
    }
    __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6);
    _Pragma("clang loop unroll(full)") for (int r = 0; r < PW_ROWS; r++) {
        size_t o = block * PW_ROWS + r;
        if (o >= out_channels) break;
        __m512 b = _mm512_set1_ps(bias[o]);
        float *out = output + o * pixels + m0;
        const float *res = residual ? residual + o * pixels + m0 : 0;
        _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) {
            __m512 y = _mm512_add_ps(acc[r][v], b);
            if (relu6) y = _mm512_min_ps(_mm512_max_ps(y, zero), six);
            __mmask16 m = v == V - 1 ? last : (__mmask16)0xffff;
            if (res) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, res + 16 * v));
            _mm512_mask_storeu_ps(out + 16 * v, m, y);
        }
    }
}

/// The last r < 16 pixels of the plane (from m0) against NB blocks of 8 channels from `block`: the channels lie in
/// the lanes (one 8-lane vector of packed weights per block) and each pixel's input is broadcast, so no lane computes
/// a pixel past the end. A 7×7 map of one image is 3 vectors + 1 pixel: a masked 4th vector would waste 15 of its 16
/// lanes over every channel, a third of the whole layer.
A5 static inline __attribute__((always_inline)) void rest_avx512(
    const int NB, const int NP, size_t out_channels, size_t in_channels, size_t pixels, size_t block, size_t m0,
    const float *packed, const float *bias, const float *input, const float *residual, int relu6, float *output) {
    __m256 acc[4][4];
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NB; v++)
        _Pragma("clang loop unroll(full)") for (int p = 0; p < NP; p++) acc[v][p] = _mm256_setzero_ps();
    const float *w = packed + block * in_channels * PW_ROWS;
    const float *x = input + m0;
    for (size_t c = 0; c < in_channels; c++, w += PW_ROWS, x += pixels) {
        __m256 wv[4];
        _Pragma("clang loop unroll(full)") for (int v = 0; v < NB; v++) wv[v] = _mm256_loadu_ps(w + v * in_channels * PW_ROWS);
        _Pragma("clang loop unroll(full)") for (int p = 0; p < NP; p++) {
            __m256 xb = _mm256_broadcast_ss(x + p);
            _Pragma("clang loop unroll(full)") for (int v = 0; v < NB; v++) acc[v][p] = _mm256_fmadd_ps(wv[v], xb, acc[v][p]);
        }
    }
    _Pragma("clang loop unroll(full)") for (int v = 0; v < NB; v++)
        _Pragma("clang loop unroll(full)") for (int p = 0; p < NP; p++) {
            float lanes[PW_ROWS];
            _mm256_storeu_ps(lanes, acc[v][p]);
            for (int i = 0; i < PW_ROWS; i++) {
                size_t o = (block + v) * PW_ROWS + i, at = o * pixels + m0 + p;
                if (o >= out_channels) break;
                float y = lanes[i] + bias[o];
                if (relu6) y = y < 0 ? 0 : (y > 6 ? 6 : y);
                if (residual) y += residual[at];
                output[at] = y;
            }
        }
}

#define PW_REST(NB, NP)                                                                                            \
    rest_avx512(NB, NP, out_channels, in_channels, pixels, b, m0 + p0, packed, bias, input, residual, relu6, output)
#define PW_REST_NP(NB)                                                                                             \
    switch (np) {                                                                                                  \
    case 1: PW_REST(NB, 1); break;                                                                                 \
    case 2: PW_REST(NB, 2); break;                                                                                 \
    case 3: PW_REST(NB, 3); break;                                                                                 \
    default: PW_REST(NB, 4); break;                                                                                \
    }

/// rest_avx512 over the r pixels from m0 and the blocks [b0, b1): 4 blocks × up to 4 pixels per register tile.
A5 static void rest_range_avx512(
    size_t out_channels, size_t in_channels, size_t pixels, size_t b0, size_t b1, size_t m0, size_t r,
    const float *packed, const float *bias, const float *input, const float *residual, int relu6, float *output) {
    for (size_t b = b0; b < b1; b += 4)
        for (size_t p0 = 0; p0 < r; p0 += 4) {
            size_t nb = b1 - b < 4 ? b1 - b : 4, np = r - p0 < 4 ? r - p0 : 4;
            switch (nb) {
            case 1: PW_REST_NP(1); break;
            case 2: PW_REST_NP(2); break;
            case 3: PW_REST_NP(3); break;
            default: PW_REST_NP(4); break;
            }
        }
}

/// The tiles [t0, t1) × blocks [b0, b1), each with as many whole vectors as its pixels fill; the last tile's
/// pixels past a multiple of 16 go to rest_range_avx512.
A5 static void range_avx512(
    size_t out_channels, size_t in_channels, size_t pixels, size_t t0, size_t t1, size_t b0, size_t b1,
    const float *packed, const float *bias, const float *input, const float *residual, int relu6, float *output) {
    for (size_t t = t0; t < t1; t++) {
        size_t m0 = t * PW_TILE, n = pixels - m0 < PW_TILE ? pixels - m0 : PW_TILE;
        size_t whole = n / 16 * 16, rest = n - whole;
        for (size_t b = b0; b < b1 && whole > 0; b++) {
            if (whole > 32) tile_avx512(3, out_channels, in_channels, pixels, b, m0, whole, packed, bias, input, residual, relu6, output);
            else if (whole > 16) tile_avx512(2, out_channels, in_channels, pixels, b, m0, whole, packed, bias, input, residual, relu6, output);
            else tile_avx512(1, out_channels, in_channels, pixels, b, m0, whole, packed, bias, input, residual, relu6, output);
        }
        if (rest > 0)
            rest_range_avx512(out_channels, in_channels, pixels, b0, b1, m0 + whole, rest, packed, bias, input, residual, relu6, output);
    }
}
#endif

void vigil_pointwise(
    vigil_isa isa, size_t out_channels, size_t in_channels, size_t pixels, size_t tile_begin, size_t tile_end,
    size_t block_begin, size_t block_end, const float *packed, const float *bias, const float *input,
    const float *residual, int relu6, float *output) {
    if (!vigil_isa_supported(isa)) isa = VIGIL_ISA_PORTABLE;
#ifdef VIGIL_X86
    if (isa == VIGIL_ISA_AVX512)
        return range_avx512(out_channels, in_channels, pixels, tile_begin, tile_end, block_begin, block_end, packed, bias,
                            input, residual, relu6, output);
#endif
    for (size_t t = tile_begin; t < tile_end; t++) {
        size_t m0 = t * PW_TILE, n = pixels - m0 < PW_TILE ? pixels - m0 : PW_TILE;
        for (size_t b = block_begin; b < block_end; b++)
            tile_portable(out_channels, in_channels, pixels, b, m0, n, packed, bias, input, residual, relu6, output);
    }
}
