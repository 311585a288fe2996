// The change between two frames that no whole-frame shift and no exposure change explains: evidence of a mover.

/// How much of the change between two frames of the same size a shift of the whole view (a camera swaying on its
/// pole, a small pan) and an exposure change (lights, auto-gain: current ≈ a·previous + b) explain, measured on a
/// coarse level of the luma pyramid, smoothed (`LumaImage.smoothed`) so that a finely textured view shifted by a
/// fraction of a pixel, or sensor noise, leaves little. A mover leaves a residual in a few places whatever the fit;
/// sway and light changes leave little. All values are root-mean-square luma differences (0…1) over the frame's inner region.
struct CompensatedChange {
    /// current − previous, as it is.
    var raw: Float = 0
    /// After the best whole-frame shift alone.
    var shifted: Float = 0
    /// After the best gain and offset alone (no shift).
    var exposed: Float = 0
    /// After the best shift together with its best gain and offset.
    var both: Float = 0
    /// The per-cell RMS of that last residual over a `cells`×`cells` grid (row-major; empty when nothing was
    /// measured): a mover leaves it in a few neighbouring cells, sway and noise all over.
    var cellResidual: [Float] = []
    /// The largest of `cellResidual`: a mover's leftover.
    var peakCell: Float { cellResidual.max() ?? 0 }

    /// Shifts of up to ±`reach` pixels (and half pixels around the best) are tried in each direction, on a level
    /// at most `coarseWidth` wide: about ±1.5 % of the width, what a swaying camera moves in a second.
    static let reach = 2
    static let cells = 6
    static let grid = CellGrid(cells: cells * cells)
    static let coarseWidth = 160

    /// The first pyramid level at most `coarseWidth` wide (the last level when none is).
    static func level(of pyramid: [LumaImage]) -> Int {
        pyramid.firstIndex { $0.width <= coarseWidth } ?? (pyramid.count - 1)
    }

    /// Sums over the inner region for one shift: the current frame c against the previous one p moved by (dx, dy).
    private struct Sums {
        var c: Double = 0, p: Double = 0, cc: Double = 0, pp: Double = 0, cp: Double = 0

        /// The mean squared residual of c − p, and of c − (a·p + b) with the least-squares a and b.
        func residuals(count n: Double) -> (plain: Double, fitted: Double, a: Double, b: Double) {
            let plain = max((cc - 2 * cp + pp) / n, 0)
            let varC = cc / n - (c / n) * (c / n)
            let varP = pp / n - (p / n) * (p / n)
            let cov = cp / n - (c / n) * (p / n)
            guard varP > 1e-9 else { return (plain, max(varC, 0), 0, c / n) }
            let a = cov / varP
            return (plain, max(varC - cov * a, 0), a, c / n - a * p / n)
        }
    }

    /// Zero everything when the frames differ in size or are too small to leave an inner region.
    static func measure(_ current: LumaImage, previous: LumaImage) -> CompensatedChange {
        let w = current.width, h = current.height, margin = reach + 1
        guard previous.width == w, previous.height == h, w > 2 * margin + cells, h > 2 * margin + cells else {
            return CompensatedChange()
        }
        let xs = margin..<(w - margin), ys = margin..<(h - margin)
        let n = Double(xs.count * ys.count)
        var result = CompensatedChange()
        current.pixels.withUnsafeBufferPointer { cur in
            previous.pixels.withUnsafeBufferPointer { prev in
                // The previous frame moved by (dx, dy) half pixels, read bilinearly at the half-pixel points.
                func sample(_ x: Int, _ y: Int, _ dx: Int, _ dy: Int) -> Float {
                    let x0 = x + (dx >> 1), x1 = x + ((dx + 1) >> 1), y0 = y + (dy >> 1), y1 = y + ((dy + 1) >> 1)
                    return 0.25 * (prev[y0 * w + x0] + prev[y0 * w + x1] + prev[y1 * w + x0] + prev[y1 * w + x1])
                }
                func fit(_ dx: Int, _ dy: Int) -> (plain: Double, fitted: Double, a: Double, b: Double) {
                    var s = Sums()
                    for y in ys {
                        var c: Float = 0, p: Float = 0, cc: Float = 0, pp: Float = 0, cp: Float = 0
                        for x in xs {
                            let u = cur[y * w + x], v = sample(x, y, dx, dy)
                            c += u
                            p += v
                            cc += u * u
                            pp += v * v
                            cp += u * v
                        }
                        s.c += Double(c)
                        s.p += Double(p)
                        s.cc += Double(cc)
                        s.pp += Double(pp)
                        s.cp += Double(cp)
                    }
                    return s.residuals(count: n)
                }
                // Whole pixels first, then the eight half-pixel shifts around the best fit: a sway is rarely a
                // whole number of pixels, and on a textured view half a pixel off leaves much of the change.
                var bestPlain = Double.infinity
                var best = (dx: 0, dy: 0, fitted: Double.infinity, a: 1.0, b: 0.0)
                func consider(_ dx: Int, _ dy: Int) {
                    let f = fit(dx, dy)
                    if dx == 0 && dy == 0 {
                        result.raw = Float(f.plain.squareRoot())
                        result.exposed = Float(f.fitted.squareRoot())
                    }
                    bestPlain = min(bestPlain, f.plain)
                    if f.fitted < best.fitted { best = (dx, dy, f.fitted, f.a, f.b) }
                }
                for dy in -reach...reach {
                    for dx in -reach...reach { consider(2 * dx, 2 * dy) }
                }
                let (cx, cy) = (best.dx, best.dy)
                for hy in -1...1 {
                    for hx in -1...1 where hx != 0 || hy != 0 { consider(cx + hx, cy + hy) }
                }
                result.shifted = Float(bestPlain.squareRoot())
                result.both = Float(best.fitted.squareRoot())
                let rows = CellGrid.ranges(length: ys.count, parts: cells)
                let columns = CellGrid.ranges(length: xs.count, parts: cells)
                let a = Float(best.a), b = Float(best.b)
                for rowRange in rows {
                    for columnRange in columns where !rowRange.isEmpty && !columnRange.isEmpty {
                        var squares: Float = 0
                        for y in rowRange {
                            for x in columnRange {
                                let e = cur[(y + margin) * w + x + margin]
                                    - (a * sample(x + margin, y + margin, best.dx, best.dy) + b)
                                squares += e * e
                            }
                        }
                        result.cellResidual.append((squares / Float(rowRange.count * columnRange.count)).squareRoot())
                    }
                }
            }
        }
        return result
    }
}
