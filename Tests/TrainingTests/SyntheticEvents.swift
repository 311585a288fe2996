// SyntheticEvents: a feature dataset whose class is which short "event" appears somewhere among noise frames.
// The event covers 4 of 24 frames at a random position, so averaging over time dilutes it six-fold while an
// attention that finds the event sees it whole.
import Models
import Formats
import Tensor
import Training

enum SyntheticEvents {
    static let frames = 24, eventFrames = 4, rgbWidth = 16, audioWidth = 8, classes = 4

    /// `count` labelled videos drawn from `seed`; class prototypes come from a fixed seed so splits share them.
    static func dataset(count: Int, seed: UInt64) -> FeatureDataset {
        var prototypeRNG = SplitMix64(seed: 99)
        let prototypes = (0..<classes).map { _ in (0..<rgbWidth).map { _ in Float.random(in: -1...1, using: &prototypeRNG) > 0 ? Float(1.5) : -1.5 } }
        var rng = SplitMix64(seed: seed)
        let videos = (0..<count).map { index -> FeatureRecord in
            let label = index % classes
            var rgb = (0..<frames * rgbWidth).map { _ in Float.random(in: -1...1, using: &rng) }
            let start = Int.random(in: 0...(frames - eventFrames), using: &rng)
            for t in start..<start + eventFrames {
                for d in 0..<rgbWidth { rgb[t * rgbWidth + d] = prototypes[label][d] + 0.3 * Float.random(in: -1...1, using: &rng) }
            }
            let audio = (0..<frames * audioWidth).map { _ in Float.random(in: -1...1, using: &rng) }
            return FeatureRecord(
                id: "v\(index)", rgb: Tensor(shape: [frames, rgbWidth], scalars: rgb),
                audio: Tensor(shape: [frames, audioWidth], scalars: audio), labels: [label])
        }
        return FeatureDataset(videos: videos)
    }
}
