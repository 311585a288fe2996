// Appearance block of the built-in descriptor: colour layout per grid cell, and the luma plane as a by-product.

/// Per cell: mean luma, mean Cb, mean Cr, luma standard deviation (BT.601 full range).
enum ColourLayout {
    static let lumaR: Float = 0.299, lumaG: Float = 0.587, lumaB: Float = 0.114

    /// Writes `luma` from `rgb` ([H, W, 3]) and the appearance block (cells × 4) into `out` from `start`.
    static func accumulate(rgb: [UInt8], into luma: inout LumaImage, grid: CellGrid, out: inout [Float], at start: Int) {
        let width = luma.width, height = luma.height
        let rows = CellGrid.ranges(length: height, parts: grid.rows)
        let columns = CellGrid.ranges(length: width, parts: grid.columns)
        var sums = [Float](repeating: 0, count: grid.count * 5)  // [cells, (R, G, B, Y, Y²)]
        let inv255: Float = 1 / 255
        rgb.withUnsafeBufferPointer { src in
            luma.pixels.withUnsafeMutableBufferPointer { y in
                for (cellRow, rowRange) in rows.enumerated() {
                    for row in rowRange {
                        for (cellColumn, columnRange) in columns.enumerated() {
                            var r: Float = 0, g: Float = 0, b: Float = 0, l: Float = 0, ll: Float = 0
                            for x in columnRange {
                                let i = row * width + x
                                let pr = Float(src[3 * i]) * inv255, pg = Float(src[3 * i + 1]) * inv255
                                let pb = Float(src[3 * i + 2]) * inv255
                                let pl = lumaR * pr + lumaG * pg + lumaB * pb
                                y[i] = pl
                                r += pr
                                g += pg
                                b += pb
                                l += pl
                                ll += pl * pl
                            }
                            let base = (cellRow * grid.columns + cellColumn) * 5
                            sums[base] += r
                            sums[base + 1] += g
                            sums[base + 2] += b
                            sums[base + 3] += l
                            sums[base + 4] += ll
                        }
                    }
                }
            }
        }
        for cellRow in 0..<grid.rows {
            for cellColumn in 0..<grid.columns {
                let cell = cellRow * grid.columns + cellColumn
                let n = Float(rows[cellRow].count * columns[cellColumn].count)
                guard n > 0 else { continue }
                let r = sums[cell * 5] / n, b = sums[cell * 5 + 2] / n
                let l = sums[cell * 5 + 3] / n
                let variance = max(0, sums[cell * 5 + 4] / n - l * l)
                let o = start + cell * 4
                out[o] = 2 * l - 1  // luma 0…1 → -1…1
                out[o + 1] = 2 * 0.564 * (b - l)  // Cb -0.5…0.5 → -1…1
                out[o + 2] = 2 * 0.713 * (r - l)  // Cr
                out[o + 3] = 4 * variance.squareRoot()  // std 0…0.5 → 0…2
            }
        }
    }
}
