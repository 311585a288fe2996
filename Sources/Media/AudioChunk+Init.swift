// Making an AudioChunk outside the reader: stages downstream of Media are tested with synthetic sound.

extension AudioChunk {
    /// Samples (16 kHz mono) starting at `pts` seconds.
    public init(startingAt pts: Double, samples: [Float]) {
        self.pts = pts
        self.samples = samples
    }
}
