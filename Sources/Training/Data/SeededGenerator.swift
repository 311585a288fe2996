// SeededGenerator: a small, fast, reproducible random number generator for shuffling, sampling and dropout.

/// SplitMix64 (Steele, Lea, Flood 2014): every seed gives a fixed, well-mixed stream.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose stream depends only on `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent generator for stream `index` (e.g. one per epoch), derived from this one's seed.
    public func derived(_ index: UInt64) -> SeededGenerator {
        var mixer = SeededGenerator(seed: state ^ (index &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: mixer.next())
    }
}
