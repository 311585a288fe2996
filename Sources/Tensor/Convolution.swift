// Convolution: 2-D convolutions for inference on channel-major batches, with TensorFlow's "SAME" padding.
// Legend: C channels in, O channels out, N images, H×W in, P×Q out, K kernel side, S stride.
// Layout: every activation is [C, N, H, W] (channel outermost), so a 1×1 convolution of the whole batch is one
// product [O, C] · [C, N·H·W] (`vigil_pointwise`, CKernels/Pointwise.c, on weights packed once; OpenBLAS's sgemm
// where AVX-512 is missing); a dense K×K convolution is im2col + the same product; a depthwise one is a direct
// kernel per (channel, image) plane (CKernels/Depthwise.c). Bias, ReLU6 and a residual are fused into each
// kernel's store; weights are already batch-norm folded. Each call splits its work across `threads` threads
// (default: as many as OpenBLAS uses): pixel tiles or output channels of a 1×1 convolution, channels of a depthwise.
import CKernels
import Dispatch

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

/// A 1×1 convolution's weights [O, C] (or a dense one's [O, C·K·K]) and bias [O], packed once for `vigil_pointwise`.
public struct ConvolutionWeights: Sendable {
    public let outChannels: Int
    /// C for a 1×1 convolution, C·K·K for a dense one (the rows of its im2col columns).
    public let inChannels: Int
    /// [O, C] as given: OpenBLAS's path reads them.
    public let weights: [Float]
    public let bias: [Float]
    /// [⌈O/8⌉][C][8]: `vigil_pointwise_pack`'s blocks.
    let packed: [Float]

    public init(weights: [Float], bias: [Float], outChannels: Int, inChannels: Int) {
        precondition(weights.count == outChannels * inChannels && bias.count == outChannels, "ConvolutionWeights: \(weights.count) weights, \(bias.count) biases for \(outChannels) × \(inChannels)")
        self.outChannels = outChannels
        self.inChannels = inChannels
        self.weights = weights
        self.bias = bias
        var packed = [Float](repeating: 0, count: vigil_pointwise_packed_count(outChannels, inChannels))
        vigil_pointwise_pack(outChannels, inChannels, weights, &packed)
        self.packed = packed
    }
}

/// out[O, M] = act(weights[O, C] · input[C, M] + bias) (+ residual[O, M]) with M = N·H·W. `instructions`: nil picks
/// the AVX-512 kernel where the CPU has it and OpenBLAS's sgemm (then the bias pass) elsewhere; `.avx512` and
/// `.portable` force that C variant, `.avx2` the sgemm path (there is no AVX2 variant; the tests compare them all).
public func pointwiseConvolution(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: ConvolutionWeights, pixels: Int,
    activation: ConvActivation, residual: UnsafePointer<Float>? = nil, threads: Int = OpenBLASKernel.threads,
    instructions: PanelGemm.Kernel? = nil
) {
    let (o, c) = (weights.outChannels, weights.inChannels)
    let kernel = instructions ?? (PanelGemm.Kernel.avx512.isSupported ? .avx512 : .avx2)
    guard kernel != .avx2 else {
        weights.weights.withUnsafeBufferPointer { w in
            sgemm(m: o, n: pixels, k: c, a: w.baseAddress!, lda: c, b: input, ldb: pixels, c: output, ldc: pixels)
        }
        weights.bias.withUnsafeBufferPointer { bias in
            addBias(output, bias: bias.baseAddress!, channels: o, pixels: pixels, activation: activation)
        }
        if let residual { for i in 0..<(o * pixels) { output[i] += residual[i] } }
        return
    }
    let tiles = vigil_pointwise_tiles(pixels), blocks = vigil_pointwise_blocks(o)
    let byTiles = tiles >= 2 * threads || tiles >= blocks
    let parts = max(1, min(threads, byTiles ? tiles : blocks))
    let relu6: Int32 = activation == .relu6 ? 1 : 0
    weights.packed.withUnsafeBufferPointer { packed in
        weights.bias.withUnsafeBufferPointer { bias in
            let (packed, bias) = (packed.baseAddress!, bias.baseAddress!)
            forEachPart(parts) { part in
                let (t0, t1) = byTiles ? share(tiles, part, of: parts) : (0, tiles)
                let (b0, b1) = byTiles ? (0, blocks) : share(blocks, part, of: parts)
                vigil_pointwise(kernel.isa, o, c, pixels, t0, t1, b0, b1, packed, bias, input, residual, relu6, output)
            }
        }
    }
}

/// Whether `pointwiseConvolution` runs OpenBLAS's sgemm on this CPU (no AVX-512): then it must not run on several
/// threads at once beside OpenBLAS's own, so callers keep one call at a time.
public var pointwiseConvolutionUsesOpenBLAS: Bool { !PanelGemm.Kernel.avx512.isSupported }

/// A dense K×K convolution with stride S and SAME padding through im2col: `columns` holds [C·K·K, N·P·Q].
/// weights [O, C·K·K] (from [O, C, K, K]); input [C, N, H, W], channel c's N planes starting at
/// `input + c · channelStride` (default N·H·W: a whole batch; larger for some of a batch's images); output [O, N, P, Q].
public func denseConvolution(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: ConvolutionWeights,
    columns: UnsafeMutablePointer<Float>, inChannels: Int, images: Int, height: Int, width: Int,
    kernel: Int, stride: Int, activation: ConvActivation, channelStride: Int? = nil, threads: Int = OpenBLASKernel.threads
) {
    precondition(weights.inChannels == inChannels * kernel * kernel, "denseConvolution: weights for \(weights.inChannels) rows, \(inChannels)·\(kernel)²")
    let (p, top) = samePadding(input: height, kernel: kernel, stride: stride)
    let (q, left) = samePadding(input: width, kernel: kernel, stride: stride)
    let pixels = images * p * q, channelStride = channelStride ?? images * height * width
    for c in 0..<inChannels {
        for ky in 0..<kernel {
            for kx in 0..<kernel {
                let row = columns + ((c * kernel + ky) * kernel + kx) * pixels
                for n in 0..<images {
                    let plane = input + c * channelStride + n * height * width
                    for y in 0..<p {
                        let sy = y * stride + ky - top
                        let target = row + (n * p + y) * q
                        guard sy >= 0, sy < height else {
                            target.update(repeating: 0, count: q)
                            continue
                        }
                        // columns x with 0 ≤ x·S + kx − left < W read the row; the rest are padding
                        let source = plane + sy * width + kx - left
                        let x0 = min(q, max(0, (left - kx + stride - 1) / stride)), x1 = max(x0, min(q, (width - kx + left + stride - 1) / stride))
                        target.update(repeating: 0, count: x0)
                        for x in x0..<x1 { target[x] = source[x * stride] }
                        (target + x1).update(repeating: 0, count: q - x1)
                    }
                }
            }
        }
    }
    pointwiseConvolution(
        output: output, input: columns, weights: weights, pixels: pixels, activation: activation, threads: threads)
}

/// A depthwise K×K convolution with stride S and SAME padding: weights [C, K, K]; input [C, N, H, W]; output
/// [C, N, P, Q]. Runs the C kernel (Sources/CKernels/Depthwise.c): a tile of output rows stays in registers across
/// the taps, the input is read unpadded (masked loads at the edges), bias and ReLU6 are applied before the store.
/// K 3 and 5 with S 1 and 2 have vector kernels (AVX-512, AVX2+FMA); anything else runs its portable C loop.
/// `instructions` picks the variant (default: the best this CPU runs; the tests compare all of them). The channels
/// are split into `threads` contiguous runs, one per thread.
public func depthwiseConvolution(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    channels: Int, images: Int, height: Int, width: Int, kernel: Int, stride: Int, activation: ConvActivation,
    threads: Int = OpenBLASKernel.threads, instructions: PanelGemm.Kernel = .best
) {
    precondition(kernel >= 1 && stride >= 1, "depthwiseConvolution: kernel \(kernel), stride \(stride)")
    let inPlane = images * height * width
    let outPlane = images * samePadding(input: height, kernel: kernel, stride: stride).output
        * samePadding(input: width, kernel: kernel, stride: stride).output
    let parts = max(1, min(threads, channels))
    forEachPart(parts) { part in
        let (c0, c1) = share(channels, part, of: parts)
        vigil_depthwise(
            instructions.isa, c1 - c0, images, height, width, kernel, stride, input + c0 * inPlane,
            weights + c0 * kernel * kernel, bias + c0, activation == .relu6 ? 1 : 0, output + c0 * outPlane)
    }
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

/// The `part`-th of `parts` contiguous, nearly equal shares of 0..<count.
public func share(_ count: Int, _ part: Int, of parts: Int) -> (Int, Int) {
    (count * part / parts, count * (part + 1) / parts)
}

/// Runs `body(part)` for each part in 0..<parts, on their own threads when parts > 1; the parts write disjoint memory.
/// The one place Vigil fans work out over threads (convolution shares here, the models' branches in Models).
public func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
    guard parts > 1 else {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { body in
        let work = DisjointParts(body: body)
        DispatchQueue.concurrentPerform(iterations: parts) { work.body($0) }
    }
}

/// Work whose concurrent calls write disjoint memory (one share each), so it may cross threads.
private struct DisjointParts: @unchecked Sendable {
    let body: (Int) -> Void
}
