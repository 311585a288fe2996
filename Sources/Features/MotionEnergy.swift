// Motion block of the built-in descriptor: where the picture changed since the previous sampled frame.

/// Per grid cell: the mean absolute and the mean signed luma difference between two frames of the same size.
enum MotionEnergy {
    /// Writes each cell's mean |current − previous| into `out[start + cell]` and its mean (current − previous)
    /// into `signed[cell]` (`signed` has `grid.count` values).
    static func accumulate(
        _ current: LumaImage, previous: LumaImage, grid: CellGrid, into out: inout [Float], at start: Int,
        signed: inout [Float]
    ) {
        let w = current.width
        let rows = CellGrid.ranges(length: current.height, parts: grid.rows)
        let columns = CellGrid.ranges(length: w, parts: grid.columns)
        current.pixels.withUnsafeBufferPointer { a in
            previous.pixels.withUnsafeBufferPointer { b in
                for (cellRow, rowRange) in rows.enumerated() {
                    for (cellColumn, columnRange) in columns.enumerated() {
                        let n = rowRange.count * columnRange.count
                        guard n > 0 else { continue }
                        var sum: Float = 0, signedSum: Float = 0
                        for y in rowRange {
                            for x in columnRange {
                                let d = a[y * w + x] - b[y * w + x]
                                sum += abs(d)
                                signedSum += d
                            }
                        }
                        let cell = cellRow * grid.columns + cellColumn
                        out[start + cell] = sum / Float(n)
                        signed[cell] = signedSum / Float(n)
                    }
                }
            }
        }
    }
}
