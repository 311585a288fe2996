// The built-in descriptor's last F values: figures of change and sharpness that name no place in the picture.
import Foundation

/// What the built-in descriptor measured on one frame, before any block was scaled, for `FrameFigures.values`.
struct FrameMeasures {
    /// Per motion cell: mean |ΔY| and mean ΔY against the previous frame; empty on a stream's first frame.
    var cellChange: [Float] = []
    var cellSignedChange: [Float] = []
    var grid = CellGrid(cells: 1)
    /// Per structure scale (1, ½, ¼, ⅛): the mean gradient magnitude per pixel (0 for a scale the frame lacks).
    var sharpness: [Float] = []
    /// The motion image's (half-resolution luma) mean, standard deviation and share of pixels below 0.1.
    var lumaMean: Float = 0
    var lumaDeviation: Float = 0
    var darkShare: Float = 0
    /// What a whole-frame shift and an exposure change leave of the change; nil on a stream's first frame.
    var compensated: CompensatedChange?
    /// The sharpest of the recent frames, this one included (`RecentFrames`); nil leaves figures 32–35 at 0.
    var sharpest: RecentFrames.Entry?
}

/// Position-free figures (docs/extractors.md's table): how much of the picture changed and how concentrated,
/// coherent and spread the change is (a mover changes a few neighbouring cells, a light change, a cover, a defocus or
/// a swaying view change the whole frame), and how sharp the frame is against the previous one and against the
/// sharpest recent one. A model that reads them needs not learn "local or global" cell by cell. The first `count`
/// figures of the list are written (all 36 at D = 1024, 18 at 512, 2 at 64).
enum FrameFigures {
    static let count = 36

    /// log(1 + x/0.01)/4: luma differences and gradient magnitudes from 0.001 to 1 on about 0…1.2.
    @inline(__always)
    static func level(_ x: Float) -> Float { log(1 + max(x, 0) / 0.01) / 4 }

    /// The figures of `now`; `previous` is the previous frame's measures (nil on a stream's first frame).
    static func values(_ now: FrameMeasures, previous: FrameMeasures?) -> [Float] {
        var f = [Float](repeating: 0, count: count)
        let m = now.cellChange, s = now.cellSignedChange
        let n = m.count
        if n > 0 {
            let sorted = m.sorted(by: >)
            let total = m.reduce(0, +)
            let squares = m.reduce(0) { $0 + $1 * $1 }
            f[0] = level((squares / Float(n)).squareRoot())
            f[1] = share(ofLargest: 16, sorted, total: total)
            f[2] = spread(m, grid: now.grid, cells: Array(0..<n))
            let signedTotal = s.reduce(0, +)
            f[3] = total > 0 ? abs(signedTotal) / total : 0
            f[4] = total > 0 ? s.reduce(0) { $0 + abs($1) } / total : 0
            f[5] = 2 * signedTotal / Float(n)
            f[6] = level(total / Float(n))
            f[7] = share(ofLargest: 64, sorted, total: total)
            f[8] = share(ofLargest: 4, sorted, total: total)
            let half = sorted[0] / 2
            f[9] = sorted[0] > 0 ? Float(m.filter { $0 >= half }.count) / Float(n) : 0
            f[18] = level(sorted[(n - 1) / 10])
            f[19] = level(sorted[(n - 1) / 2])
            f[20] = level(sorted[(n - 1) * 9 / 10])
            let top = Array(m.indices.sorted { m[$0] > m[$1] || (m[$0] == m[$1] && $0 < $1) }.prefix(max(1, n / 16)))
            f[21] = spread(m, grid: now.grid, cells: top)
        }
        if let c = now.compensated {
            // The share a fit leaves, (x + ε)/(raw + ε): 1 when it explains nothing (or nothing changed beyond the
            // noise), near 0 for sway (shifted) or a light change (exposed); `both` stays high only for a mover, a
            // cover or a new view.
            let left = { (x: Float) in (x + 0.002) / (c.raw + 0.002) }
            f[12] = level(c.raw)
            f[13] = level(c.both)
            f[14] = left(c.both)
            f[15] = left(c.shifted)
            f[16] = left(c.exposed)
            f[17] = level(c.peakCell)
            // Where the leftover lies: a mover's in a few neighbouring cells, sway's and noise's all over.
            let r = c.cellResidual, total = r.reduce(0, +)
            f[10] = share(ofLargest: 9, r.sorted(by: >), total: total)
            f[11] = spread(r, grid: CompensatedChange.grid, cells: Array(r.indices))
        }
        for k in 0..<min(4, now.sharpness.count) { f[22 + k] = level(now.sharpness[k]) }
        if now.sharpness.count >= 3 {
            f[26] = log((now.sharpness[0] + 0.001) / (now.sharpness[2] + 0.001)) / 2
        }
        f[28] = 3 * now.lumaDeviation
        f[30] = 2 * now.lumaMean - 1
        f[31] = now.darkShare
        if let previous, !previous.sharpness.isEmpty, !now.sharpness.isEmpty {
            f[27] = log((now.sharpness[0] + 0.001) / (previous.sharpness[0] + 0.001))
            f[29] = log((now.lumaDeviation + 0.001) / (previous.lumaDeviation + 0.001))
        }
        if let sharpest = now.sharpest, now.sharpness.count >= 2 {
            // Sharpness lost since the sharpest recent frame at scales 1 and ½, and the same with the contrast loss
            // taken out: a light going off lowers g and σ alike, a defocus or a dark cover g far more than σ, and a
            // defocus the finer scale far more than the coarser one.
            let contrast = log((now.lumaDeviation + 0.001) / (sharpest.deviation + 0.001))
            f[32] = log((now.sharpness[0] + 0.001) / (sharpest.sharpness + 0.001))
            f[33] = f[32] - contrast
            f[34] = log((now.sharpness[1] + 0.001) / (sharpest.halfSharpness + 0.001))
            f[35] = f[34] - contrast
        }
        return f
    }

    /// The share of `total` in the largest 1/`fraction` of `sorted` (descending; at least one value); 0 when the total
    /// is 0.
    static func share(ofLargest fraction: Int, _ sorted: [Float], total: Float) -> Float {
        total > 0 ? sorted.prefix(max(1, sorted.count / fraction)).reduce(0, +) / total : 0
    }

    /// The spatial spread of `cells` weighted by their change: the root of the weighted variance of the cell
    /// centres (x and y on 0…1) over that of a uniform change (1/6), so 1 for a change over the whole grid and near 0
    /// for one cell; 0 when nothing changed.
    static func spread(_ m: [Float], grid: CellGrid, cells: [Int]) -> Float {
        var weight: Float = 0, sx: Float = 0, sy: Float = 0, sxx: Float = 0, syy: Float = 0
        for i in cells {
            let x = (Float(i % grid.columns) + 0.5) / Float(grid.columns)
            let y = (Float(i / grid.columns) + 0.5) / Float(grid.rows)
            weight += m[i]
            sx += m[i] * x
            sy += m[i] * y
            sxx += m[i] * x * x
            syy += m[i] * y * y
        }
        guard weight > 0 else { return 0 }
        let variance = (sxx / weight - (sx / weight) * (sx / weight)) + (syy / weight - (sy / weight) * (sy / weight))
        return (max(variance, 0) * 6).squareRoot()
    }
}
