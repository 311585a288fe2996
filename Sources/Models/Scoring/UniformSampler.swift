// Which rows (frames) a model reads: PaddleVideo's uniform segment sampling (center or seeded random). Pure index
// arithmetic: Media decodes the frames it names (`MediaSource.frames(at:)`), the scorer gathers the feature rows it
// names, and training draws its rows with it.

/// Picks `segments` frame indices out of N, one per equal segment.
/// - `center` (default): sample k is frame ⌊(k + 0.5)·N / segments⌋ (computed in integers, exactly).
/// - `random(seed:)`: sample k is min(N−1, ⌊(k + u_k)·(N / segments)⌋) with u_k uniform in [0, 1) drawn in order
///   k = 0, 1, … from `SplitMix64(seed)` (53 random bits per draw): AttentionCluster's reader rule with a seedable
///   generator in place of numpy's unseeded one.
/// N < segments repeats frames, as the reference does. N = 0 gives no indices.
public struct UniformSampler: Sendable {
    /// How a frame is chosen inside its segment.
    public enum Mode: Sendable, Equatable {
        case center
        case random(seed: UInt64)
    }

    public let segments: Int
    public let mode: Mode

    public init(segments: Int, mode: Mode = .center) {
        self.segments = segments
        self.mode = mode
    }

    /// The sampled frame indices, nondecreasing, `segments` of them (none when `frameCount` or `segments` is 0).
    public func indices(frameCount: Int) -> [Int] {
        guard frameCount > 0, segments > 0 else { return [] }
        switch mode {
        case .center:
            // In 128 bits: (2k + 1)·N overflows 64 bits for a file that claims 2^62 rows; the quotient is < N.
            let divisor = 2 * segments
            return (0..<segments).map { k in divisor.dividingFullWidth((2 * k + 1).multipliedFullWidth(by: frameCount)).quotient }
        case .random(let seed):
            var generator = SplitMix64(seed: seed)
            let stride = Double(frameCount) / Double(segments)
            return (0..<segments).map { k in
                let u = Double(generator.next() >> 11) * 0x1p-53
                let pick = ((Double(k) + u) * stride).rounded(.down)
                return pick < Double(frameCount) ? min(frameCount - 1, Int(pick)) : frameCount - 1
            }
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seedable generator whose sequence is fixed by its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent generator for stream `index` (e.g. one per epoch), derived from this one's state.
    public func derived(_ index: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: state ^ (index &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
