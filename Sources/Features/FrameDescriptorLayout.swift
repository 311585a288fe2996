// How the built-in frame descriptor splits its dimension into appearance, structure and motion blocks.

/// A grid of `rows × columns` cells laid over an image.
struct CellGrid: Equatable {
    let rows: Int
    let columns: Int
    var count: Int { rows * columns }

    /// The most nearly square grid of exactly `cells` cells (rows ≤ columns).
    init(cells: Int) {
        var rows = 1
        var r = 1
        while r * r <= cells {
            if cells % r == 0 { rows = r }
            r += 1
        }
        self.rows = rows
        self.columns = cells / rows
    }

    /// For each of `length` pixels along an axis split into `parts` cells: the half-open pixel range of each cell.
    static func ranges(length: Int, parts: Int) -> [Range<Int>] {
        (0..<parts).map { p in (p * length / parts)..<((p + 1) * length / parts) }
    }
}

/// Block sizes of the built-in descriptor for a dimension D (a positive multiple of 64):
/// appearance D/4 (4 values per cell), structure D/2 (8 orientations × 4 scales), motion D/4 − F (1 value per cell),
/// then F = min(9D/256, 36) position-free figures of change and sharpness (`FrameFigures`).
struct FrameDescriptorLayout: Equatable {
    static let orientations = 8
    static let scales = 4

    let dimension: Int
    let appearanceGrid: CellGrid  // D/16 cells × (Y, Cb, Cr, Y std)
    let structureGrid: CellGrid  // D/64 cells per scale × 8 orientations
    let motionGrid: CellGrid  // D/4 − F cells × mean |ΔY|
    let figureCount: Int  // F

    init(dimension: Int) throws {
        guard dimension >= 64, dimension % 64 == 0 else {
            throw FeaturesError.badDimension(
                extractor: "builtin", dimension: dimension, reason: "the built-in rgb extractor needs a positive multiple of 64")
        }
        self.dimension = dimension
        appearanceGrid = CellGrid(cells: dimension / 16)
        structureGrid = CellGrid(cells: dimension / 64)
        figureCount = min(9 * dimension / 256, FrameFigures.count)
        motionGrid = CellGrid(cells: dimension / 4 - figureCount)
    }

    var appearanceRange: Range<Int> { 0..<(dimension / 4) }
    var structureRange: Range<Int> { (dimension / 4)..<(3 * dimension / 4) }
    var motionRange: Range<Int> { (3 * dimension / 4)..<(dimension - figureCount) }
    var figuresRange: Range<Int> { (dimension - figureCount)..<dimension }
}
