// Structure block of the built-in descriptor: gradient orientation histograms per grid cell at one scale.

/// Histograms of 8 unsigned gradient orientations (22.5° bins over 0…180°) weighted by gradient magnitude.
enum OrientationHistogram {
    static let tan22: Float = 0.414_213_56, tan67: Float = 2.414_213_6

    /// Adds each interior pixel's gradient magnitude to its cell's orientation bin: `out[start + cell·8 + bin]`.
    static func accumulate(_ image: LumaImage, grid: CellGrid, into out: inout [Float], at start: Int) {
        let w = image.width, h = image.height
        guard w >= 3, h >= 3 else { return }
        let columnCell = cellIndex(length: w, parts: grid.columns)
        let rowCell = cellIndex(length: h, parts: grid.rows)
        image.pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                columnCell.withUnsafeBufferPointer { cc in
                    for y in 1..<(h - 1) {
                        let rowBase = start + rowCell[y] * grid.columns * 8
                        for x in 1..<(w - 1) {
                            let i = y * w + x
                            var gx = p[i + 1] - p[i - 1]
                            var gy = p[i + w] - p[i - w]
                            if gy < 0 || (gy == 0 && gx < 0) {
                                gx = -gx
                                gy = -gy
                            }
                            let magnitude = (gx * gx + gy * gy).squareRoot()
                            o[rowBase + cc[x] * 8 + bin(gx: gx, gy: gy)] += magnitude
                        }
                    }
                }
            }
        }
    }

    /// The 22.5° bin of the direction (gx, gy), gy ≥ 0, measured from +x: 0…7.
    @inline(__always)
    static func bin(gx: Float, gy: Float) -> Int {
        if gx >= 0 {
            if gy < gx * tan22 { return 0 }
            if gy < gx { return 1 }
            if gy < gx * tan67 { return 2 }
            return 3
        }
        let a = -gx
        if gy < a * tan22 { return 7 }
        if gy < a { return 6 }
        if gy < a * tan67 { return 5 }
        return 4
    }

    /// The cell of each pixel along an axis of `length` pixels split into `parts` cells.
    static func cellIndex(length: Int, parts: Int) -> [Int] {
        (0..<length).map { $0 * parts / length }
    }
}
