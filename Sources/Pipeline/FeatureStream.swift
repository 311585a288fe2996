// Watch's feature stage for one connection, without FFmpeg: frames and sound in, windows due for the model out.
import Features
import Foundation
import Media
import Stream

/// One connection's frames turned into rolling windows of rgb and audio vectors, handed out every `stride` seconds
/// of stream time. Pure: it never decodes, sleeps or touches a thread, so tests drive it with synthetic frames.
///
/// Each frame's rgb vector is extracted when it arrives; its audio vector follows `AudioSecond` (the second of sound
/// starting at the frame, the rule `vigil classify` uses), so a frame waits until that second has been decoded, the
/// connection ends (`finish()`), or video has run `maximumAudioWaitSeconds` ahead of it (sound that stalls or lags:
/// the frame takes what sound there is). Without an audio track frames pass at once with zero audio vectors.
struct FeatureStream {
    /// A window due for the model: rgb and audio vectors of the same frames, row for row.
    struct Window {
        var rgb: RollingWindow
        var audio: RollingWindow
        /// Epoch seconds of the window's first and last vector (StreamClock).
        var startTime: Double
        var endTime: Double
    }

    /// How far (stream seconds) the newest frame may run ahead of a frame still waiting for its sound.
    static let maximumAudioWaitSeconds = 3.0
    /// Sound kept before the oldest frame that may still need it; a bound on the buffer when video stalls.
    private static let keptSeconds = 12.0

    private var extractor: any FrameFeatureExtractor
    private let audioExtractor: (any AudioFeatureExtractor)?
    private var rgbWindow: RollingWindow
    private var audioWindow: RollingWindow
    private var scheduler: StrideScheduler
    private var clock = StreamClock()
    private let now: () -> Double
    /// Frames whose rgb vector is ready and whose second of sound is not yet complete, oldest first.
    private var waiting: [(pts: Double, vector: [Float])] = []
    private var samples: [Float] = []
    private var samplesStart: Double?  // pts of samples[0]
    private var newestPts: Double?

    /// A stream for one connection. `audioExtractor` nil: the input has no audio track (zero audio vectors of
    /// `audioDimension`). `now` gives the wall clock the first frame's epoch time is anchored to.
    init(
        extractor: any FrameFeatureExtractor, audioExtractor: (any AudioFeatureExtractor)?, audioDimension: Int,
        windowSeconds: Double, windowFrames: Int, strideSeconds: Double,
        now: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        self.extractor = extractor
        self.audioExtractor = audioExtractor
        rgbWindow = RollingWindow(windowSeconds: windowSeconds, capacity: windowFrames, dimension: extractor.dimension)
        audioWindow = RollingWindow(windowSeconds: windowSeconds, capacity: windowFrames, dimension: audioDimension)
        scheduler = try StrideScheduler(strideSeconds: strideSeconds)
        self.now = now
    }

    /// Epoch seconds of the newest frame (nil before the first): where a new timeline after a backwards jump resumes.
    var newestEpoch: Double? { newestPts.flatMap { clock.peek(pts: $0) } }

    /// Frames waiting for their second of sound.
    var waitingFrames: Int { waiting.count }

    /// Adds one sampled frame (a frame without a finite pts is ignored); returns the windows now due.
    mutating func append(_ frame: VideoFrame) throws -> [Window] {
        guard frame.pts.isFinite else { return [] }
        let vector = try extractor.extract(frame)
        _ = clock.epoch(pts: frame.pts, now: now())  // the first frame anchors the connection's clock
        newestPts = frame.pts
        waiting.append((frame.pts, vector))
        return try release(ending: false)
    }

    /// Adds decoded sound (16 kHz mono); a chunk that does not follow the previous one (a gap, a new clock) starts
    /// the buffer afresh, after the frames waiting for the old sound took what it had. Returns the windows now due.
    mutating func append(_ chunk: AudioChunk) throws -> [Window] {
        guard audioExtractor != nil, chunk.pts.isFinite else { return [] }
        var due: [Window] = []
        let expected = samplesStart.map { $0 + Double(samples.count) / Double(AudioSecond.length) }
        if let expected, abs(chunk.pts - expected) > 0.5 {
            due = try release(ending: true)
            samples.removeAll(keepingCapacity: true)
            samplesStart = nil
        }
        if samplesStart == nil { samplesStart = chunk.pts }
        samples += chunk.samples
        due += try release(ending: false)
        trimSound()
        return due
    }

    /// The connection ended: frames still waiting take the sound there is; returns the windows now due.
    mutating func finish() throws -> [Window] { try release(ending: true) }

    /// Moves frames whose sound is complete (all of them when `ending`) into the windows, oldest first.
    private mutating func release(ending: Bool) throws -> [Window] {
        var due: [Window] = []
        var released = 0
        for (pts, vector) in waiting {
            guard ending || isReady(pts) else { break }
            try rgbWindow.append(TimedFeatures(pts: pts, vector: vector))
            try audioWindow.append(TimedFeatures(pts: pts, vector: try audioVector(at: pts)))
            released += 1
            guard scheduler.isDue(pts: pts), let startPts = rgbWindow.startPts, let endTime = clock.peek(pts: pts) else {
                continue
            }
            due.append(Window(rgb: rgbWindow, audio: audioWindow, startTime: clock.peek(pts: startPts) ?? endTime, endTime: endTime))
        }
        waiting.removeFirst(released)
        return due
    }

    private func isReady(_ pts: Double) -> Bool {
        guard audioExtractor != nil else { return true }
        if let newestPts, newestPts - pts > Self.maximumAudioWaitSeconds { return true }
        guard let start = samplesStart else { return false }
        return AudioSecond.isComplete(at: pts, start: start, count: samples.count)
    }

    private func audioVector(at pts: Double) throws -> [Float] {
        guard let audioExtractor, let start = samplesStart else {
            return [Float](repeating: 0, count: audioWindow.dimension)
        }
        return try AudioSecond.vector(at: pts, samples: samples[...], start: start, extractor: audioExtractor)
    }

    /// Drops sound no frame can need any more: older than a second before the oldest frame that may still come or
    /// wait, and never more than `keptSeconds`.
    private mutating func trimSound() {
        guard let start = samplesStart else { return }
        let oldestNeeded = (waiting.first?.pts ?? newestPts ?? start) - 1
        let rate = Double(AudioSecond.length)
        let bySeconds = samples.count - Int(Self.keptSeconds * rate)
        let excess = max(min(NumberLimits.clampedInt(((oldestNeeded - start) * rate).rounded(.down)), samples.count), bySeconds, 0)
        guard excess > 0 else { return }
        samples.removeFirst(excess)
        samplesStart = start + Double(excess) / rate
    }
}
