import Tensor
import Testing

/// The 1×1 convolution by every path (nil: the default choice; .portable and .avx512: those C variants of
/// vigil_pointwise; .avx2: OpenBLAS's sgemm and the bias pass) against a double-precision reference, with 1 and 2
/// threads: pixel counts around the 48-pixel tile and its 16-pixel vectors (1…100, 196), output channels not a
/// multiple of the 8-channel block (1, 7, 8, 13, 24), with and without ReLU6 and a residual; the float past the
/// output must stay untouched. Threads split pixel tiles when there are enough, else channel blocks.
@Test(arguments: [nil] + PanelGemm.Kernel.allCases.filter(\.isSupported).map { Optional($0) })
func pointwiseConvolutionMatchesReference(instructions: PanelGemm.Kernel?) {
    var numbers = TestNumbers(state: 48)
    for outChannels in [1, 7, 8, 13, 24] {
        let inChannels = outChannels == 8 ? 1 : 5
        let matrix = numbers.array(outChannels * inChannels), bias = numbers.array(outChannels)
        let weights = ConvolutionWeights(weights: matrix, bias: bias, outChannels: outChannels, inChannels: inChannels)
        for pixels in Array(1...100) + [196] {
            let input = numbers.array(inChannels * pixels).map { 4 * $0 }
            let residual = numbers.array(outChannels * pixels)
            for activation in [ConvActivation.none, .relu6] {
                for withResidual in [false, true] {
                    for threads in [1, 2] {
                        var output = [Float](repeating: 42, count: outChannels * pixels + 1)
                        residual.withUnsafeBufferPointer { r in
                            pointwiseConvolution(
                                output: &output, input: input, weights: weights, pixels: pixels, activation: activation,
                                residual: withResidual ? r.baseAddress! : nil, threads: threads, instructions: instructions)
                        }
                        var worst: Float = 0
                        for o in 0..<outChannels {
                            for m in 0..<pixels {
                                var sum = Double(bias[o])
                                for c in 0..<inChannels { sum += Double(matrix[o * inChannels + c]) * Double(input[c * pixels + m]) }
                                if activation == .relu6 { sum = min(max(sum, 0), 6) }
                                if withResidual { sum += Double(residual[o * pixels + m]) }
                                worst = max(worst, abs(output[o * pixels + m] - Float(sum)))
                            }
                        }
                        let what = "\(instructions.map(\.description) ?? "default") O \(outChannels) pixels \(pixels) \(activation) residual \(withResidual) threads \(threads)"
                        #expect(worst <= 1e-5, "\(what): off by \(worst)")
                        #expect(output[outChannels * pixels] == 42, "\(what): wrote past the output")
                    }
                }
            }
        }
    }
}

/// Depthwise convolution split over 2 threads (channel runs) equals the 1-thread result exactly, for 3 and 5
/// channels (uneven shares) and a batch of 2.
@Test func depthwiseConvolutionThreadsSplitChannels() {
    var numbers = TestNumbers(state: 9)
    for channels in [1, 3, 5] {
        let (images, height, width, kernel, stride) = (2, 9, 11, 5, 2)
        let input = numbers.array(channels * images * height * width), weights = numbers.array(channels * kernel * kernel)
        let bias = numbers.array(channels)
        let count = channels * images * 5 * 6
        var one = [Float](repeating: 0, count: count), two = [Float](repeating: 1, count: count)
        depthwiseConvolution(
            output: &one, input: input, weights: weights, bias: bias, channels: channels, images: images, height: height,
            width: width, kernel: kernel, stride: stride, activation: .relu6, threads: 1)
        depthwiseConvolution(
            output: &two, input: input, weights: weights, bias: bias, channels: channels, images: images, height: height,
            width: width, kernel: kernel, stride: stride, activation: .relu6, threads: 2)
        #expect(one == two, "\(channels) channels")
    }
}

/// The dense K×K convolution (im2col + the 1×1 kernel) against a double-precision naive reference with SAME padding,
/// on H, W in 1…9 (padding before and after, planes smaller than the kernel), K 3 and 5, stride 1 and 2, 2 channels
/// in × 3 out, 2 images; and reading 2 of 3 images' planes through `channelStride` (a share of a batch).
@Test func denseConvolutionMatchesNaiveReference() {
    var numbers = TestNumbers(state: 27)
    let (inChannels, outChannels, images) = (2, 3, 2)
    for kernel in [3, 5] {
        let matrix = numbers.array(outChannels * inChannels * kernel * kernel), bias = numbers.array(outChannels)
        let weights = ConvolutionWeights(weights: matrix, bias: bias, outChannels: outChannels, inChannels: inChannels * kernel * kernel)
        for stride in [1, 2] {
            for height in 1...9 {
                for width in 1...9 {
                    let plane = height * width
                    let batch = numbers.array(inChannels * (images + 1) * plane)  // [C, 3, H, W]: images 1 and 2 are read
                    let (p, top) = samePadding(input: height, kernel: kernel, stride: stride)
                    let (q, left) = samePadding(input: width, kernel: kernel, stride: stride)
                    var columns = [Float](repeating: .nan, count: inChannels * kernel * kernel * images * p * q)
                    var output = [Float](repeating: 42, count: outChannels * images * p * q + 1)
                    denseConvolution(
                        output: &output, input: Array(batch[plane...]), weights: weights, columns: &columns,
                        inChannels: inChannels, images: images, height: height, width: width, kernel: kernel,
                        stride: stride, activation: .none, channelStride: (images + 1) * plane, threads: 1)
                    var worst: Float = 0
                    for o in 0..<outChannels {
                        for n in 0..<images {
                            for y in 0..<p {
                                for x in 0..<q {
                                    var sum = Double(bias[o])
                                    for c in 0..<inChannels {
                                        sum += sumOverTaps(
                                            y: y, x: x, kernel: kernel, stride: stride, top: top, left: left,
                                            height: height, width: width
                                        ) { ky, kx, sy, sx in
                                            Double(matrix[((o * inChannels + c) * kernel + ky) * kernel + kx])
                                                * Double(batch[(c * (images + 1) + 1 + n) * plane + sy * width + sx])
                                        }
                                    }
                                    worst = max(worst, abs(output[((o * images + n) * p + y) * q + x] - Float(sum)))
                                }
                            }
                        }
                    }
                    #expect(worst <= 1e-5, "K \(kernel) S \(stride) H \(height) W \(width): off by \(worst)")
                    #expect(output[outChannels * images * p * q] == 42)
                }
            }
        }
    }
}
