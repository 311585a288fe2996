// efficientnet_layers: each 1×1 and depthwise layer of EfficientNet-Lite0 (224×224) through the CKernels, alone:
// the best of 50 calls per layer (hot caches, random weights; the best call is the least disturbed on a shared
// machine), in µs and GMAC/s, then the sums per image. Finds which layer shapes a kernel change helps or hurts.
// Build and run (AVX-512 CPUs; the whole network with real weights is Benchmarks/efficientnet):
//   clang -O3 -ISources/CKernels/include tools/efficientnet_layers.c Sources/CKernels/*.c -o /tmp/efficientnet_layers
//   /tmp/efficientnet_layers [images, default 1]
#include "CKernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/// (repeats, kernel, stride, expand ratio, in, out) per stage, as EfficientNetLite.stages.
static const int stages[7][6] = {
    {1, 3, 1, 1, 32, 16},  {2, 3, 2, 6, 16, 24},   {2, 5, 2, 6, 24, 40},  {3, 3, 2, 6, 40, 80},
    {3, 5, 1, 6, 80, 112}, {4, 5, 2, 6, 112, 192}, {1, 3, 1, 6, 192, 320},
};
static const int repeats = 50;
static int images = 1;
static double pointwise_seconds = 0, depthwise_seconds = 0;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *numbers(size_t n) {
    float *p = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) p[i] = (float)(rand() % 1000) / 1000.0f - 0.5f;
    return p;
}

static void pointwise(int in, int out, int pixels) {
    float *w = numbers((size_t)out * in), *b = numbers(out), *x = numbers((size_t)in * pixels);
    float *y = numbers((size_t)out * pixels), *packed = malloc(vigil_pointwise_packed_count(out, in) * sizeof(float));
    vigil_pointwise_pack(out, in, w, packed);
    size_t tiles = vigil_pointwise_tiles(pixels), blocks = vigil_pointwise_blocks(out);
    double best = 1e9;
    for (int r = 0; r <= repeats; r++) {
        double start = now();
        vigil_pointwise(VIGIL_ISA_AVX512, out, in, pixels, 0, tiles, 0, blocks, packed, b, x, NULL, 1, y);
        if (r > 0 && now() - start < best) best = now() - start;
    }
    pointwise_seconds += best;
    printf("1x1 %4d -> %4d, %6d pixels  %7.1f us  %5.1f GMAC/s\n", in, out, pixels, best * 1e6,
           (double)in * out * pixels / best / 1e9);
    free(w), free(b), free(x), free(y), free(packed);
}

static void depthwise(int channels, int side, int kernel, int stride) {
    int out = (side + stride - 1) / stride;
    float *w = numbers((size_t)channels * kernel * kernel), *b = numbers(channels);
    float *x = numbers((size_t)channels * images * side * side), *y = numbers((size_t)channels * images * out * out);
    double best = 1e9;
    for (int r = 0; r <= repeats; r++) {
        double start = now();
        vigil_depthwise(VIGIL_ISA_AVX512, channels, images, side, side, kernel, stride, x, w, b, 1, y);
        if (r > 0 && now() - start < best) best = now() - start;
    }
    depthwise_seconds += best;
    printf("dw  %4d × %3d², %d×%d /%d        %7.1f us  %5.1f GMAC/s\n", channels, side, kernel, kernel, stride,
           best * 1e6, (double)channels * images * out * out * kernel * kernel / best / 1e9);
    free(w), free(b), free(x), free(y);
}

int main(int argc, char **argv) {
    if (argc > 1) images = atoi(argv[1]);
    if (images < 1) images = 1;
    int side = 112;
    pointwise(27, 32, side * side * images);  // the stem after im2col
    for (int s = 0; s < 7; s++)
        for (int r = 0; r < stages[s][0]; r++) {
            int kernel = stages[s][1], stride = r ? 1 : stages[s][2], expand = stages[s][3];
            int in = r ? stages[s][5] : stages[s][4], out = stages[s][5], hidden = in * expand;
            if (expand != 1) pointwise(in, hidden, side * side * images);
            depthwise(hidden, side, kernel, stride);
            side = (side + stride - 1) / stride;
            pointwise(hidden, out, side * side * images);
        }
    pointwise(320, 1280, side * side * images);  // the head
    printf("per image: 1x1 %.2f ms, depthwise %.2f ms\n", pointwise_seconds * 1e3 / images,
           depthwise_seconds * 1e3 / images);
    return 0;
}
