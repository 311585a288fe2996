/// A deterministic pseudo-random float in [−1, 1) for the kernel tests (a linear congruential sequence; no Foundation).
struct TestNumbers {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
    }
    mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
}

/// Σ term(ky, kx, sy, sx) over the K×K taps of output pixel (y, x) that fall inside an H×W plane (sy, sx: the input
/// pixel), with stride S and SAME padding (`top`, `left` before): the naive reference the convolution tests share.
func sumOverTaps(
    y: Int, x: Int, kernel: Int, stride: Int, top: Int, left: Int, height: Int, width: Int,
    _ term: (_ ky: Int, _ kx: Int, _ sy: Int, _ sx: Int) -> Double
) -> Double {
    var sum = 0.0
    for ky in 0..<kernel {
        for kx in 0..<kernel {
            let sy = y * stride + ky - top, sx = x * stride + kx - left
            guard sy >= 0, sy < height, sx >= 0, sx < width else { continue }
            sum += term(ky, kx, sy, sx)
        }
    }
    return sum
}
