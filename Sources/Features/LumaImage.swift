// A single-channel float image: the luma planes the built-in frame descriptor works on.

/// Luma in 0…1, row-major. `pixels` is [height, width].
struct LumaImage {
    let width: Int
    let height: Int
    var pixels: [Float]  // [H, W]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [Float](repeating: 0, count: width * height)
    }

    /// Sets this image to the 2×2 box average of `source` (whose size is at least twice this one's).
    mutating func halve(from source: LumaImage) {
        let w = width, h = height, sw = source.width
        source.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let top = 2 * y * sw, bottom = top + sw
                    for x in 0..<w {
                        let sum = src[top + 2 * x] + src[top + 2 * x + 1] + src[bottom + 2 * x] + src[bottom + 2 * x + 1]
                        dst[y * w + x] = sum * 0.25
                    }
                }
            }
        }
    }

    /// This image under a [1 2 1]/4 binomial blur in each direction (edges repeated).
    func smoothed() -> LumaImage {
        var out = LumaImage(width: width, height: height)
        guard width > 0, height > 0 else { return out }
        let w = width, h = height
        var rows = [Float](repeating: 0, count: w * h)
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<h {
                for x in 0..<w {
                    let left = src[y * w + max(x - 1, 0)], right = src[y * w + min(x + 1, w - 1)]
                    rows[y * w + x] = 0.25 * left + 0.5 * src[y * w + x] + 0.25 * right
                }
            }
        }
        out.pixels.withUnsafeMutableBufferPointer { dst in
            for y in 0..<h {
                let up = max(y - 1, 0) * w, down = min(y + 1, h - 1) * w
                for x in 0..<w { dst[y * w + x] = 0.25 * rows[up + x] + 0.5 * rows[y * w + x] + 0.25 * rows[down + x] }
            }
        }
        return out
    }
}
