// `--timeline OUT.svg`: per-class score over time, from the model run on sliding windows of a file's features.
import Formats
import Foundation
import Models

/// Scores of a few classes over sliding windows of one input.
public struct ScoreTimeline: Sendable {
    public var source: String
    /// Centre of each window, seconds.
    public var times: [Double]  // [W]
    /// The classes drawn (the file's top-k).
    public var classes: [ClassScore]
    /// scores[w][c]: score of classes[c] in window w.
    public var scores: [[Float]]  // [W, C]
    public var windowSeconds: Double
}

extension ClassifyPipeline {
    /// Runs the model on windows of about `windowSeconds` of `features` (at most ~200 windows), for `classes`.
    public func timeline(_ features: ExtractedFeatures, classes: [ClassScore], windowSeconds: Double = 10) throws -> ScoreTimeline {
        let t = features.frameCount
        let times = features.timestamps
        let span = max(times.last ?? 0, 1e-9) - (times.first ?? 0)
        let rowsPerSecond = t > 1 ? Double(t - 1) / span : 1
        let window = min(t, max(1, NumberLimits.clampedInt((windowSeconds * rowsPerSecond).rounded())))
        let stride = max(1, (t - window) / 200)
        var centres: [Double] = [], scores: [[Float]] = []
        for start in Swift.stride(from: 0, through: t - window, by: stride) {
            let rows = Array(start..<(start + window))
            let record = FeatureRecord(
                id: features.source, rgb: features.rgb.gatheringRows(rows), audio: features.audio.gatheringRows(rows))
            let all = try self.scores(record)
            scores.append(classes.map { all[$0.classIndex] })
            centres.append((times[start] + times[start + window - 1]) / 2)
        }
        return ScoreTimeline(
            source: features.source, times: centres, classes: classes, scores: scores,
            windowSeconds: Double(window) / rowsPerSecond)
    }
}

extension ScoreTimeline {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]

    /// The timeline as a self-contained SVG: one line per class, time on x, score 0…1 on y, a legend.
    public func svg() -> String {
        let width = 900.0, height = 360.0, left = 50.0, right = 190.0, top = 30.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let t0 = times.first ?? 0, t1 = max(times.last ?? 1, t0 + 1e-9)
        func x(_ t: Double) -> Double { left + (times.count > 1 ? (t - t0) / (t1 - t0) : 0.5) * plotW }
        func y(_ s: Float) -> Double { top + (1 - Double(min(max(s, 0), 1))) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left))" y="18" font-size="14">\(Self.escape(source)): score per class, \(f(windowSeconds)) s windows</text>

            """
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let ty = y(Float(tick))
            out += "<line x1=\"\(f(left))\" y1=\"\(f(ty))\" x2=\"\(f(left + plotW))\" y2=\"\(f(ty))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(ty + 4))\" text-anchor=\"end\">\(tick)</text>\n"
        }
        for i in 0...4 {
            let t = t0 + (t1 - t0) * Double(i) / 4
            out += "<text x=\"\(f(x(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(f(t)) s</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        for (c, cls) in classes.enumerated() {
            let colour = Self.palette[c % Self.palette.count]
            let points = zip(times, scores).map { "\(f(x($0))),\(f(y($1[c])))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            let name = Self.escape(cls.label ?? "class \(cls.classIndex)")
            let ly = top + 14 + Double(c) * 18
            out += "<rect x=\"\(f(left + plotW + 12))\" y=\"\(f(ly - 9))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            out += "<text x=\"\(f(left + plotW + 30))\" y=\"\(f(ly + 1))\">\(name)</text>\n"
        }
        return out + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
