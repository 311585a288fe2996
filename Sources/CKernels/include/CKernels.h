// CKernels: hand-written small-batch matrix kernels for Tensor (the only importer). Plain C, no library.
#pragma once
#include <stddef.h>

/// Width of one panel: 16 floats (one AVX-512 register, two AVX2 registers).
#define VIGIL_PANEL_WIDTH 16

/// Instruction sets a kernel can be built for; `vigil_panel_best_isa` picks the best this CPU runs.
typedef enum { VIGIL_ISA_PORTABLE = 0, VIGIL_ISA_AVX2 = 1, VIGIL_ISA_AVX512 = 2 } vigil_isa;

/// Whether this CPU (and its OS) runs kernels of `isa`.
int vigil_isa_supported(vigil_isa isa);

/// The best instruction set this CPU runs (checked once, then cached).
vigil_isa vigil_panel_best_isa(void);

/// Floats `vigil_panel_pack` writes for an [n, k] matrix: ceil(n / 16) panels of k × 16 floats.
size_t vigil_panel_count(size_t n, size_t k);

/// Re-lays row-major w [n, k] (row stride ldw) into panels: panel p holds, for each kk in 0..<k, the 16 floats
/// w[16p + 0 ... 16p + 15][kk] (rows past n are zero), so a kernel reads each panel as one contiguous stream.
void vigil_panel_pack(size_t n, size_t k, const float *w, size_t ldw, float *panels);

/// The panels `vigil_panel_pack` writes for wᵀ [n, k], read from row-major w [k, n] (row stride ldw ≥ n): for
/// c = a · w (the LSTM's backward d h = d gates · W_hh) without materialising wᵀ. Each panel row is one 16-float copy.
void vigil_panel_pack_transposed(size_t n, size_t k, const float *w, size_t ldw, float *panels);

/// c[m, n] (row stride ldc) = a · wᵀ, with a given transposed: at[kk * lda + j] is a[j][kk] (lda ≥ m), and w as
/// `vigil_panel_pack` left it. Rows of a in tiles of up to 8; each panel's stream is read once per tile.
void vigil_panel_gemm(
    vigil_isa isa, size_t m, size_t n, size_t k, const float *at, size_t lda, const float *panels, float *c,
    size_t ldc);

/// Depthwise K×K convolution with stride S and TensorFlow "SAME" padding (Depthwise.c): input [C, N, H, W],
/// weights [C, K, K], bias [C], output [C, N, P, Q] with P = ⌈H/S⌉, Q = ⌈W/S⌉; out = bias + Σ taps, then
/// min(max(·, 0), 6) when relu6 ≠ 0. Vector kernels for K ∈ {3, 5}, S ∈ {1, 2}; other K and S run portable C.
/// The input is read unpadded (taps outside the plane count as zero).
void vigil_depthwise(
    vigil_isa isa, size_t channels, size_t images, size_t height, size_t width, size_t kernel, size_t stride,
    const float *input, const float *weights, const float *bias, int relu6, float *output);

/// x[o, m] += bias[o] for o < channels, m < pixels (rows of `pixels` floats), then min(max(·, 0), 6) when relu6 ≠ 0
/// (BiasActivation.c): the pass after a convolution's sgemm.
void vigil_bias_activation(vigil_isa isa, float *x, const float *bias, size_t channels, size_t pixels, int relu6);

/// Floats `vigil_pointwise_pack` writes for 1×1 convolution weights [O, C] (Pointwise.c): ⌈O/8⌉ blocks of C × 8.
size_t vigil_pointwise_packed_count(size_t out_channels, size_t in_channels);

/// Re-lays weights [O, C] into blocks of 8 output channels, [block][c][8] (channels past O are zero).
void vigil_pointwise_pack(size_t out_channels, size_t in_channels, const float *weights, float *packed);

/// Pixel tiles (48 pixels each, the last one partial) of a 1×1 convolution over `pixels` pixels.
size_t vigil_pointwise_tiles(size_t pixels);

/// Blocks of 8 output channels of a 1×1 convolution with `out_channels` outputs.
size_t vigil_pointwise_blocks(size_t out_channels);

/// A 1×1 convolution on channel-major rows (Pointwise.c): for the pixel tiles [tile_begin, tile_end) and the channel
/// blocks [block_begin, block_end), output[o, m] = bias[o] + Σc w[o, c] · input[c, m], then min(max(·, 0), 6) when
/// relu6 ≠ 0, then + residual[o, m] when residual is not NULL. input [C, pixels], output and residual [O, pixels];
/// `packed` as `vigil_pointwise_pack` left it. Disjoint ranges write disjoint outputs (callers thread over them).
void vigil_pointwise(
    vigil_isa isa, size_t out_channels, size_t in_channels, size_t pixels, size_t tile_begin, size_t tile_end,
    size_t block_begin, size_t block_end, const float *packed, const float *bias, const float *input,
    const float *residual, int relu6, float *output);
