// The built-in, weight-free frame descriptor: colour layout, gradient orientations at 4 scales, motion energy.
// Legend: W, H frame size; D dimension; A = D/16 appearance cells; S = D/64 structure cells;
// M = D/4 − F motion cells; F = min(9D/256, 36) position-free figures.

/// A deterministic frame descriptor that needs no weights. Three blocks, each normalised on its own:
/// - appearance [D/4]: per cell of a grid, mean luma, mean Cb, mean Cr and luma standard deviation (BT.601),
///   mapped affinely to about [-1, 1] so absolute colour is kept;
/// - structure [D/2]: per scale (1, 1/2, 1/4, 1/8) and per cell, a histogram of 8 unsigned gradient orientations
///   weighted by gradient magnitude, each scale L2-normalised to a root-mean-square of 0.5;
/// - motion [M]: per cell, the mean absolute luma difference against the previous frame (at half resolution),
///   scaled to a root-mean-square of 0.5 once its RMS passes 0.1 (so a still scene stays near zero; the first
///   frame of a stream, or a change of frame size, gives zeros);
/// - figures [F]: position-free figures of the change and the sharpness, measured before any scaling
///   (`FrameFigures`: how much changed, how concentrated, coherent and spread, gradient energy per scale).
/// See docs/extractors.md.
public struct BuiltinFrameExtractor: FrameFeatureExtractor {
    /// The dimension YouTube-8M's rgb features have, and so the models' default.
    public static let defaultDimension = 1024
    /// RMS the structure and (large) motion blocks are scaled to; keeps values inside YouTube-8M's [-2, 2].
    static let blockRMS: Float = 0.5
    /// Motion RMS (in luma units 0…1) at which the motion block stops growing and is normalised instead.
    static let motionSaturation: Float = 0.1

    let layout: FrameDescriptorLayout
    public var dimension: Int { layout.dimension }

    private var pyramid: [LumaImage] = []  // scale k: [H/2^k, W/2^k], luma in 0…1
    private var previousMotionLuma: LumaImage?  // the previous frame's scale-1 luma
    private var previousMeasures: FrameMeasures?  // the previous frame's, for the figures
    private var previousCoarseLuma: LumaImage?  // the previous frame's `CompensatedChange.level` luma, smoothed
    private var recent = RecentFrames()  // this frame size's last frames, for figures 32–35

    /// An extractor producing `dimension` floats (a positive multiple of 64; default 1024).
    public init(dimension: Int = BuiltinFrameExtractor.defaultDimension) throws {
        layout = try FrameDescriptorLayout(dimension: dimension)
    }

    public mutating func reset() {
        previousMotionLuma = nil
        previousMeasures = nil
        previousCoarseLuma = nil
        recent.removeAll()
    }

    public mutating func extract(rgb: [UInt8], width: Int, height: Int, pts: Double) throws -> [Float] {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw FeaturesError.badInput(
                extractor: "builtin", reason: "a \(width)×\(height) RGB frame needs \(max(0, width * height * 3)) bytes, got \(rgb.count)")
        }
        var out = [Float](repeating: 0, count: dimension)
        buildPyramid(rgb: rgb, width: width, height: height, appearance: &out)
        var measures = FrameMeasures()
        for scale in 0..<FrameDescriptorLayout.scales {
            let blockSize = layout.structureGrid.count * FrameDescriptorLayout.orientations
            let start = layout.structureRange.lowerBound + scale * blockSize
            var meanMagnitude: Float = 0
            if scale < pyramid.count {
                OrientationHistogram.accumulate(pyramid[scale], grid: layout.structureGrid, into: &out, at: start)
                let interior = max(pyramid[scale].width - 2, 0) * max(pyramid[scale].height - 2, 0)
                if interior > 0 { meanMagnitude = out[start..<(start + blockSize)].reduce(0, +) / Float(interior) }
            }
            measures.sharpness.append(meanMagnitude)
            Self.scaleToRMS(&out, start..<(start + blockSize), floor: 1e-12)
        }
        let motionLuma = pyramid.count > 1 ? pyramid[1] : pyramid[0]
        Self.measureLuma(motionLuma, into: &measures)
        var previous = previousMeasures
        if let previousLuma = previousMotionLuma, previousLuma.width == motionLuma.width,
            previousLuma.height == motionLuma.height
        {
            var signed = [Float](repeating: 0, count: layout.motionGrid.count)
            MotionEnergy.accumulate(
                motionLuma, previous: previousLuma, grid: layout.motionGrid, into: &out,
                at: layout.motionRange.lowerBound, signed: &signed)
            measures.cellChange = Array(out[layout.motionRange])
            measures.cellSignedChange = signed
            measures.grid = layout.motionGrid
            let floor = Self.motionSaturation * Float(layout.motionRange.count).squareRoot()
            Self.scaleToRMS(&out, layout.motionRange, floor: floor)
        } else {
            previous = nil
            recent.removeAll()  // a new stream or a new frame size: sharpness is not comparable across sizes
        }
        recent.append(
            RecentFrames.Entry(
                sharpness: measures.sharpness[0], halfSharpness: measures.sharpness[1], deviation: measures.lumaDeviation))
        measures.sharpest = recent.sharpest
        let coarseLuma = pyramid[CompensatedChange.level(of: pyramid)].smoothed()
        if let previousCoarse = previousCoarseLuma, previous != nil {
            measures.compensated = CompensatedChange.measure(coarseLuma, previous: previousCoarse)
        }
        let figures = FrameFigures.values(measures, previous: previous)
        for (k, i) in layout.figuresRange.enumerated() { out[i] = figures[k] }
        previousMotionLuma = motionLuma
        previousMeasures = measures
        previousCoarseLuma = coarseLuma
        return out
    }

    /// Fills scale 0 of the pyramid from `rgb` (writing the appearance block on the way) and halves it 3 times.
    private mutating func buildPyramid(rgb: [UInt8], width: Int, height: Int, appearance out: inout [Float]) {
        if pyramid.isEmpty || pyramid[0].width != width || pyramid[0].height != height {
            pyramid = [LumaImage(width: width, height: height)]
            var w = width / 2, h = height / 2
            while pyramid.count < FrameDescriptorLayout.scales, w >= 1, h >= 1 {
                pyramid.append(LumaImage(width: w, height: h))
                w /= 2
                h /= 2
            }
        }
        ColourLayout.accumulate(rgb: rgb, into: &pyramid[0], grid: layout.appearanceGrid, out: &out, at: layout.appearanceRange.lowerBound)
        for k in 1..<pyramid.count {
            pyramid[k].halve(from: pyramid[k - 1])
        }
    }

    /// The mean, standard deviation and share of pixels below 0.1 of `luma`.
    static func measureLuma(_ luma: LumaImage, into measures: inout FrameMeasures) {
        let n = Float(max(luma.pixels.count, 1))
        var sum: Float = 0, squares: Float = 0, dark: Float = 0
        for v in luma.pixels {
            sum += v
            squares += v * v
            if v < 0.1 { dark += 1 }
        }
        let mean = sum / n
        measures.lumaMean = mean
        measures.lumaDeviation = max(squares / n - mean * mean, 0).squareRoot()
        measures.darkShare = dark / n
    }

    /// Scales `v[range]` so its RMS is `blockRMS` when its L2 norm is at least `floor`, proportionally below it.
    static func scaleToRMS(_ v: inout [Float], _ range: Range<Int>, floor: Float) {
        var sumSquares: Float = 0
        for i in range { sumSquares += v[i] * v[i] }
        let norm = sumSquares.squareRoot()
        let scale = blockRMS * Float(range.count).squareRoot() / max(norm, floor)
        for i in range { v[i] *= scale }
    }
}
