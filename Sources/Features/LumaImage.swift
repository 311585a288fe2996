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
}
