// The one audio-window rule of `vigil extract`, `classify` and `watch`: which sound belongs to a sampled frame.
import Features

/// The audio features of a frame at time t describe the second of sound that starts with it, [t, t + 1). When the
/// sound ends sooner, the last full second that ends with it is used instead (a frame in the last second of a file);
/// a frame before the first sound gets the first second. Less than 25 ms of sound, or none: zeros (the Features
/// stage's convention for silence). Watch holds a frame back until its second of sound has arrived (docs/watch.md).
enum AudioSecond {
    /// Samples in one second (16 kHz).
    static let length = featureAudioSampleRate
    /// Fewer samples than this (25 ms) give a zero vector.
    static let minimumLength = featureAudioSampleRate / 40

    /// The samples of the frame at `time` in a buffer of `count` samples whose first sample plays at `start` seconds.
    static func range(at time: Double, start: Double, count: Int) -> Range<Int> {
        let first = NumberLimits.clampedInt(((time - start) * Double(length)).rounded())
        let begin = max(0, min(first, count - length)), end = min(count, begin + length)
        return begin..<max(begin, end)
    }

    /// True when the buffer already holds the whole second the rule wants, so no later sound can change the vector.
    static func isComplete(at time: Double, start: Double, count: Int) -> Bool {
        max(0, NumberLimits.clampedInt(((time - start) * Double(length)).rounded())) + length <= count
    }

    /// The audio vector of the frame at `time` (`dimension` zeros when the range is shorter than 25 ms).
    static func vector(
        at time: Double, samples: ArraySlice<Float>, start: Double, extractor: any AudioFeatureExtractor
    ) throws -> [Float] {
        let range = range(at: time, start: start, count: samples.count)
        guard range.count >= minimumLength else { return [Float](repeating: 0, count: extractor.dimension) }
        let base = samples.startIndex
        return try extractor.extract(window: samples[(base + range.lowerBound)..<(base + range.upperBound)])
    }
}
