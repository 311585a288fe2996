import Tensor
import Testing

/// The depthwise convolution by every kernel this CPU runs against a double-precision naive reference with SAME
/// padding written out here, on every H, W in 1…17 (planes narrower than one vector, tiles cut by both edges, row
/// counts not a multiple of the 4-row tile), K 3 and 5, stride 1 and 2, 3 channels × 2 images (6 planes: the 7×7
/// kernel takes 4 planes at a time, then 1), with and without ReLU6 (inputs in [−4, 4) so the clamp at 6 is
/// reached); the float past the output must stay untouched.
@Test(arguments: PanelGemm.Kernel.allCases.filter(\.isSupported))
func depthwiseConvolutionMatchesNaiveReference(instructions: PanelGemm.Kernel) {
    var numbers = TestNumbers(state: 16)
    let (channels, images) = (3, 2)
    for kernel in [3, 5] {
        for stride in [1, 2] {
            for height in 1...17 {
                for width in 1...17 {
                    let input = numbers.array(channels * images * height * width).map { 4 * $0 }
                    let weights = numbers.array(channels * kernel * kernel)
                    let bias = numbers.array(channels)
                    let (p, top) = samePadding(input: height, kernel: kernel, stride: stride)
                    let (q, left) = samePadding(input: width, kernel: kernel, stride: stride)
                    #expect(p == (height + stride - 1) / stride && q == (width + stride - 1) / stride)
                    let count = channels * images * p * q
                    for activation in [ConvActivation.none, .relu6] {
                        var output = [Float](repeating: 42, count: count + 1)
                        depthwiseConvolution(
                            output: &output, input: input, weights: weights, bias: bias, channels: channels,
                            images: images, height: height, width: width, kernel: kernel, stride: stride,
                            activation: activation, instructions: instructions)
                        var worst: Float = 0
                        for c in 0..<channels {
                            for n in 0..<images {
                                for y in 0..<p {
                                    for x in 0..<q {
                                        var sum = Double(bias[c]) + sumOverTaps(
                                            y: y, x: x, kernel: kernel, stride: stride, top: top, left: left,
                                            height: height, width: width
                                        ) { ky, kx, sy, sx in
                                            Double(weights[(c * kernel + ky) * kernel + kx])
                                                * Double(input[((c * images + n) * height + sy) * width + sx])
                                        }
                                        if activation == .relu6 { sum = min(max(sum, 0), 6) }
                                        let got = output[((c * images + n) * p + y) * q + x]
                                        worst = max(worst, abs(got - Float(sum)))
                                    }
                                }
                            }
                        }
                        let what = "\(instructions) K \(kernel) S \(stride) H \(height) W \(width) \(activation)"
                        #expect(worst <= 1e-5, "\(what): off by \(worst)")
                        #expect(output[count] == 42, "\(what): wrote past the output")
                    }
                }
            }
        }
    }
}

/// The bias + ReLU6 pass after a convolution's sgemm, by every kernel this CPU runs, against the formula on rows of
/// 1…40 floats (vector tails of every length), values in [−8, 8) so both clamps are reached.
@Test(arguments: PanelGemm.Kernel.allCases.filter(\.isSupported))
func addBiasMatchesItsFormula(instructions: PanelGemm.Kernel) {
    var numbers = TestNumbers(state: 6)
    let channels = 3
    for pixels in 1...40 {
        let x = numbers.array(channels * pixels).map { 8 * $0 }, bias = numbers.array(channels).map { 2 * $0 }
        for activation in [ConvActivation.none, .relu6] {
            var y = x + [42]
            addBias(&y, bias: bias, channels: channels, pixels: pixels, activation: activation, instructions: instructions)
            for i in 0..<(channels * pixels) {
                let v = x[i] + bias[i / pixels]
                #expect(y[i] == (activation == .relu6 ? min(max(v, 0), 6) : v), "\(instructions) pixels \(pixels) at \(i)")
            }
            #expect(y[channels * pixels] == 42, "\(instructions) pixels \(pixels): wrote past the rows")
        }
    }
}
