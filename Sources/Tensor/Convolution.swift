// Convolution: 2-D convolutions for inference on channel-major batches, with TensorFlow's "SAME" padding.
// Legend: C channels in, O channels out, N images, H×W in, P×Q out, K kernel side, S stride.
// Layout: every activation is [C, N, H, W] (channel outermost), so a 1×1 convolution of the whole batch is one
// sgemm ([O, C] · [C, N·H·W]); a dense K×K convolution is im2col + the same sgemm; a depthwise one is a direct
// kernel per (channel, image) plane. Bias and ReLU6 are fused into each; weights are already batch-norm folded.

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

/// Rows of zeros/columns of zeros around a plane: the depthwise kernel reads a padded copy so its inner loop has
/// no bounds tests. Returns the padded size.
@inline(__always)
private func padPlane(
    _ padded: UnsafeMutablePointer<Float>, _ plane: UnsafePointer<Float>, height: Int, width: Int,
    top: Int, left: Int, paddedHeight: Int, paddedWidth: Int
) {
    padded.update(repeating: 0, count: paddedHeight * paddedWidth)
    for y in 0..<height {
        (padded + (y + top) * paddedWidth + left).update(from: plane + y * width, count: width)
    }
}

/// A depthwise K×K convolution (K = 3 or 5, any K works) with stride S and SAME padding.
/// weights [C, K, K]; input [C, N, H, W]; output [C, N, P, Q]; `scratch` holds one padded plane and either the
/// plane's accumulator (stride 1) or its rows split into even and odd columns (stride 2) (`depthwiseScratchCount`).
/// Every tap is one multiply-add over contiguous floats, eight lanes at a time, with no bounds tests: stride 1 over
/// the whole plane in padded coordinates (the columns past Q are computed and dropped), stride 2 row by row.
public func depthwiseConvolution(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, channels: Int, images: Int, height: Int, width: Int,
    kernel: Int, stride: Int, activation: ConvActivation
) {
    let (p, top) = samePadding(input: height, kernel: kernel, stride: stride)
    let (q, left) = samePadding(input: width, kernel: kernel, stride: stride)
    let paddedHeight = max((p - 1) * stride + kernel, height + top)
    let paddedWidth = max((q - 1) * stride + kernel, width + left)
    let evens = (paddedWidth + 1) / 2
    for c in 0..<channels {
        let w = weights + c * kernel * kernel
        let b = bias[c]
        for n in 0..<images {
            let plane = input + (c * images + n) * height * width
            let out = output + (c * images + n) * p * q
            padPlane(scratch, plane, height: height, width: width, top: top, left: left, paddedHeight: paddedHeight, paddedWidth: paddedWidth)
            if stride == 2 {  // each padded row → its even columns, then its odd ones: every tap reads contiguously
                let split = scratch + paddedHeight * paddedWidth
                for r in 0..<paddedHeight {
                    let from = scratch + r * paddedWidth, to = split + r * paddedWidth
                    for i in 0..<evens { to[i] = from[2 * i] }
                    for i in 0..<(paddedWidth - evens) { to[evens + i] = from[2 * i + 1] }
                }
            }
            if stride == 1 {  // the whole plane at once in padded coordinates: one long multiply-add per tap
                let accumulator = scratch + paddedHeight * paddedWidth, count = (p - 1) * paddedWidth + q
                accumulator.update(repeating: b, count: count)
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        multiplyAdd(accumulator, scratch + ky * paddedWidth + kx, w[ky * kernel + kx], count: count)
                    }
                }
                for y in 0..<p {
                    (out + y * q).update(from: accumulator + y * paddedWidth, count: q)
                    if activation == .relu6 { clampReLU6(out + y * q, count: q) }
                }
                continue
            }
            for y in 0..<p {
                let target = out + y * q
                target.update(repeating: b, count: q)
                for ky in 0..<kernel {
                    let row = scratch + (y * stride + ky) * paddedWidth
                    for kx in 0..<kernel {
                        let weight = w[ky * kernel + kx]
                        switch stride {
                        case 2:
                            let split = scratch + paddedHeight * paddedWidth + (y * 2 + ky) * paddedWidth
                            multiplyAdd(target, split + (kx % 2 == 0 ? kx / 2 : evens + kx / 2), weight, count: q)
                        default:
                            let source = row + kx
                            for x in 0..<q { target[x] += weight * source[x * stride] }
                        }
                    }
                }
                if activation == .relu6 { clampReLU6(target, count: q) }
            }
        }
    }
}

/// target[0..<count] += weight · source[0..<count], eight lanes at a time.
@inline(__always)
private func multiplyAdd(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ weight: Float, count: Int) {
    let lanes = SIMD8<Float>(repeating: weight)
    let to = UnsafeMutableRawPointer(target), from = UnsafeRawPointer(source)
    var x = 0
    while x + 8 <= count {
        let sum = to.loadUnaligned(fromByteOffset: 4 * x, as: SIMD8<Float>.self)
            + lanes * from.loadUnaligned(fromByteOffset: 4 * x, as: SIMD8<Float>.self)
        to.storeBytes(of: sum, toByteOffset: 4 * x, as: SIMD8<Float>.self)
        x += 8
    }
    while x < count {
        target[x] += weight * source[x]
        x += 1
    }
}

/// x = min(max(x, 0), 6) over `count` floats.
@inline(__always)
private func clampReLU6(_ x: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
        let v = x[i]
        x[i] = v < 0 ? 0 : (v > 6 ? 6 : v)
    }
}

/// The scratch floats `depthwiseConvolution` needs for an H×W input.
public func depthwiseScratchCount(height: Int, width: Int, kernel: Int, stride: Int) -> Int {
    let p = samePadding(input: height, kernel: kernel, stride: stride).output
    let q = samePadding(input: width, kernel: kernel, stride: stride).output
    let (top, left) = (samePadding(input: height, kernel: kernel, stride: stride).before, samePadding(input: width, kernel: kernel, stride: stride).before)
    return 2 * max((p - 1) * stride + kernel, height + top) * max((q - 1) * stride + kernel, width + left)
}

/// x[o, m] += bias[o], then the activation.
public func addBias(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, channels: Int, pixels: Int, activation: ConvActivation) {
    for o in 0..<channels {
        let row = x + o * pixels
        let b = bias[o]
        switch activation {
        case .none: for i in 0..<pixels { row[i] += b }
        case .relu6:
            for i in 0..<pixels { row[i] += b }
            clampReLU6(row, count: pixels)
        }
    }
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
