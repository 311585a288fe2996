// Bias and ReLU6 over channel-major rows in one pass (after the sgemm of a 1×1 or im2col convolution): x[o, m] +=
// bias[o], then min(max(·, 0), 6) if asked. Variants as in PanelGemm.c: AVX-512, AVX2 (target attributes, chosen at
// run time) and portable C; the Swift binary is built for baseline x86-64, so its own loop ran as SSE.
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VIGIL_X86 1
#endif

static void rows_portable(float *x, const float *bias, size_t channels, size_t pixels, int relu6) {
    for (size_t o = 0; o < channels; o++) {
        float *row = x + o * pixels, b = bias[o];
        for (size_t i = 0; i < pixels; i++) {
            float v = row[i] + b;
            row[i] = relu6 ? (v < 0 ? 0 : (v > 6 ? 6 : v)) : v;
        }
    }
}

#ifdef VIGIL_X86
__attribute__((target("avx512f"))) static void rows_avx512(
    float *x, const float *bias, size_t channels, size_t pixels, int relu6) {
    __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(relu6 ? 6 : __builtin_inff());
    __m512 low = relu6 ? zero : _mm512_set1_ps(-__builtin_inff());
    for (size_t o = 0; o < channels; o++) {
        float *row = x + o * pixels;
        __m512 b = _mm512_set1_ps(bias[o]);
        size_t i = 0;
        for (; i + 16 <= pixels; i += 16)
            _mm512_storeu_ps(row + i, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(_mm512_loadu_ps(row + i), b), low), six));
        if (i < pixels) {
            __mmask16 m = (__mmask16)((1u << (pixels - i)) - 1);
            __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, row + i), b);
            _mm512_mask_storeu_ps(row + i, m, _mm512_min_ps(_mm512_max_ps(v, low), six));
        }
    }
}

__attribute__((target("avx2"))) static void rows_avx2(
    float *x, const float *bias, size_t channels, size_t pixels, int relu6) {
    __m256 six = _mm256_set1_ps(relu6 ? 6 : __builtin_inff());
    __m256 low = relu6 ? _mm256_setzero_ps() : _mm256_set1_ps(-__builtin_inff());
    for (size_t o = 0; o < channels; o++) {
        float *row = x + o * pixels, bo = bias[o];
        __m256 b = _mm256_set1_ps(bo);
        size_t i = 0;
        for (; i + 8 <= pixels; i += 8)
            _mm256_storeu_ps(row + i, _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(_mm256_loadu_ps(row + i), b), low), six));
        for (; i < pixels; i++) {
            float v = row[i] + bo;
            row[i] = relu6 ? (v < 0 ? 0 : (v > 6 ? 6 : v)) : v;
        }
    }
}
#endif

void vigil_bias_activation(vigil_isa isa, float *x, const float *bias, size_t channels, size_t pixels, int relu6) {
    if (!vigil_isa_supported(isa)) isa = VIGIL_ISA_PORTABLE;
#ifdef VIGIL_X86
    if (isa == VIGIL_ISA_AVX512) return rows_avx512(x, bias, channels, pixels, relu6);
    if (isa == VIGIL_ISA_AVX2) return rows_avx2(x, bias, channels, pixels, relu6);
#endif
    rows_portable(x, bias, channels, pixels, relu6);
}
