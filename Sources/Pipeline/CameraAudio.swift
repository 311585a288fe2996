// A camera's recent sound, turned into one audio vector per sampled frame.
import Features
import Media

/// The last few seconds of a connection's 16 kHz mono audio. The vector for a frame at time t describes the second
/// before it, [t − 1, t): what has been heard by then, so live audio adds no delay. A connection without an audio
/// track, or a frame with less than 25 ms of sound before it, gets zeros (the Features stage's convention for
/// silence).
struct CameraAudio {
    private var extractor: (any AudioFeatureExtractor)?  // nil: no audio track
    /// Width of every vector.
    let dimension: Int
    private var samples: [Float] = []
    private var startPts: Double?  // pts of samples[0]
    private static let rate = Double(featureAudioSampleRate)
    private static let keepSamples = 3 * featureAudioSampleRate
    private static let minimumSamples = featureAudioSampleRate / 40

    /// Audio for a connection; `extractor` nil when the input has no audio track.
    init(extractor: (any AudioFeatureExtractor)?, dimension: Int) {
        self.extractor = extractor
        self.dimension = dimension
    }

    /// Adds decoded samples; a chunk that does not follow the previous one (a gap, a new clock) starts afresh.
    mutating func append(_ chunk: AudioChunk) {
        let expected = startPts.map { $0 + Double(samples.count) / Self.rate }
        if chunk.pts.isFinite, expected == nil || abs(chunk.pts - (expected ?? 0)) > 0.5 {
            samples.removeAll(keepingCapacity: true)
            startPts = chunk.pts
        }
        guard startPts != nil else { return }
        samples += chunk.samples
        let excess = samples.count - Self.keepSamples
        if excess > 0, let start = startPts {
            samples.removeFirst(excess)
            startPts = start + Double(excess) / Self.rate
        }
    }

    /// The audio vector of the frame at `pts`. // [Daudio]
    func vector(at pts: Double) throws -> [Float] {
        guard let extractor, let start = startPts else { return [Float](repeating: 0, count: dimension) }
        let end = min(samples.count, max(0, Int(((pts - start) * Self.rate).rounded())))
        let begin = max(0, end - featureAudioSampleRate)
        guard end - begin >= Self.minimumSamples else { return [Float](repeating: 0, count: dimension) }
        return try extractor.extract(window: samples[begin..<end])
    }
}
