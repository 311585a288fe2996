// The two Features-stage contracts: a frame (or a window of sound) in, a vector of a declared size out.

/// Turns RGB frames of one stream into feature vectors of `dimension` floats.
///
/// An extractor may keep state across the frames of one stream (the built-in one compares each frame with the
/// previous sampled frame for motion); `reset()` starts a new stream.
public protocol FrameFeatureExtractor {
    /// Length of every vector `extract` returns.
    var dimension: Int { get }
    /// The vector for one frame: `rgb` is RGB24, `width·3` bytes per row; `pts` is its time in seconds.
    mutating func extract(rgb: [UInt8], width: Int, height: Int, pts: Double) throws -> [Float]
    /// Vectors for several frames of one size, in order (`pts` one per frame); a network extractor runs them as
    /// one batch, the others one by one.
    mutating func extractBatch(_ frames: [[UInt8]], width: Int, height: Int, pts: [Double]) throws -> [[Float]]
    /// Forgets the previous frame: the next frame starts a new stream.
    mutating func reset()
}

extension FrameFeatureExtractor {
    public mutating func extractBatch(_ frames: [[UInt8]], width: Int, height: Int, pts: [Double]) throws -> [[Float]] {
        var out: [[Float]] = []
        for (i, frame) in frames.enumerated() {
            out.append(try extract(rgb: frame, width: width, height: height, pts: i < pts.count ? pts[i] : 0))
        }
        return out
    }
}

/// Turns windows of 16 kHz mono audio into feature vectors of `dimension` floats.
public protocol AudioFeatureExtractor {
    /// Length of every vector `extract` returns.
    var dimension: Int { get }
    /// The vector for one window of samples (16 kHz mono, nominally 1 s).
    func extract(window: ArraySlice<Float>) throws -> [Float]
}

/// Sample rate every audio extractor reads.
public let featureAudioSampleRate = 16_000
