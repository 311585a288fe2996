// Convolution: 2-D convolutions for inference on channel-major batches, with TensorFlow's "SAME" padding.
// Legend: C channels in, O channels out, N images, H×W in, P×Q out, K kernel side, S stride.
// Layout: every activation is [C, N, H, W] (channel outermost), so a 1×1 convolution of the whole batch is one
// sgemm ([O, C] · [C, N·H·W]); a dense K×K convolution is im2col + the same sgemm; a depthwise one is a direct
// kernel per (channel, image) plane (C, in CKernels). Bias and ReLU6 are fused into each; weights are already
// batch-norm folded.
import CKernels

/// TensorFlow's "SAME" padding along one axis: output size ⌈in/S⌉ and the padding before (the extra one goes after).
public func samePadding(input: Int, kernel: Int, stride: Int) -> (output: Int, before: Int) {
    let output = (input + stride - 1) / stride
    let total = max((output - 1) * stride + kernel - input, 0)
    return (output, total / 2)
}

/// What follows a convolution's bias.
public enum ConvActivation: Sendable {
    case none, relu6
}

/// out[O, M] = weights[O, C] · input[C, M] + bias, then the activation (M = N·H·W).
public func pointwiseConvolution(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outChannels: Int, inChannels: Int, pixels: Int, activation: ConvActivation
) {
    sgemm(m: outChannels, n: pixels, k: inChannels, a: weights, lda: inChannels, b: input, ldb: pixels, c: output, ldc: pixels)
    addBias(output, bias: bias, channels: outChannels, pixels: pixels, activation: activation)
}

/// A dense K×K convolution with stride S and SAME padding through im2col: `columns` holds [C·K·K, N·P·Q].
/// weights [O, C, K, K]; input [C, N, H, W]; output [O, N, P, Q].
public func denseConvolution(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    columns: UnsafeMutablePointer<Float>, outChannels: Int, inChannels: Int, images: Int, height: Int, width: Int,
    kernel: Int, stride: Int, activation: ConvActivation
) {
    let (p, top) = samePadding(input: height, kernel: kernel, stride: stride)
    let (q, left) = samePadding(input: width, kernel: kernel, stride: stride)
    let pixels = images * p * q
    for c in 0..<inChannels {
        for ky in 0..<kernel {
            for kx in 0..<kernel {
                let row = columns + ((c * kernel + ky) * kernel + kx) * pixels
                for n in 0..<images {
                    let plane = input + (c * images + n) * height * width
                    for y in 0..<p {
                        let sy = y * stride + ky - top
                        let target = row + (n * p + y) * q
                        guard sy >= 0, sy < height else {
                            target.update(repeating: 0, count: q)
                            continue
                        }
                        let source = plane + sy * width
                        for x in 0..<q {
                            let sx = x * stride + kx - left
                            target[x] = sx >= 0 && sx < width ? source[sx] : 0
                        }
                    }
                }
            }
        }
    }
    let k = inChannels * kernel * kernel
    sgemm(m: outChannels, n: pixels, k: k, a: weights, lda: k, b: columns, ldb: pixels, c: output, ldc: pixels)
    addBias(output, bias: bias, channels: outChannels, pixels: pixels, activation: activation)
}

/// A depthwise K×K convolution with stride S and SAME padding: weights [C, K, K]; input [C, N, H, W]; output
/// [C, N, P, Q]. Runs the C kernel (Sources/CKernels/Depthwise.c): a tile of output rows stays in registers across
/// the taps, the input is read unpadded (masked loads at the edges), bias and ReLU6 are applied before the store.
/// K 3 and 5 with S 1 and 2 have vector kernels (AVX-512, AVX2+FMA); anything else runs its portable C loop.
/// `instructions` picks the variant (default: the best this CPU runs; the tests compare all of them).
public func depthwiseConvolution(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, images: Int, height: Int, width: Int, kernel: Int, stride: Int, activation: ConvActivation,
    instructions: PanelGemm.Kernel = .best
) {
    precondition(kernel >= 1 && stride >= 1, "depthwiseConvolution: kernel \(kernel), stride \(stride)")
    vigil_depthwise(
        instructions.isa, channels, images, height, width, kernel, stride, input, weights, bias,
        activation == .relu6 ? 1 : 0, output)
}

/// x[o, m] += bias[o], then the activation: one vector pass in C (`vigil_bias_activation`, the best variant this CPU
/// runs, or `instructions`).
public func addBias(
    _ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, channels: Int, pixels: Int, activation: ConvActivation,
    instructions: PanelGemm.Kernel = .best
) {
    vigil_bias_activation(instructions.isa, x, bias, channels, pixels, activation == .relu6 ? 1 : 0)
}

/// out[n, c] = mean over the H·W pixels of input[c, n, :, :].
public func globalAveragePool(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, channels: Int, images: Int, pixels: Int) {
    let scale = 1 / Float(pixels)
    for c in 0..<channels {
        for n in 0..<images {
            let plane = input + (c * images + n) * pixels
            var sum: Float = 0
            for i in 0..<pixels { sum += plane[i] }
            output[n * channels + c] = sum * scale
        }
    }
}
