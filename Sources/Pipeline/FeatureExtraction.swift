// The decode → sample → extract stages for one input: frames at a rate or uniform picks, and 1 s of audio per frame.
import Features
import Foundation
import Media
import Models
import Tensor

/// Decodes an input, samples its frames, and turns them and the audio into feature rows.
public final class FeatureExtraction {
    private var rgbExtractor: any FrameFeatureExtractor
    private let audioExtractor: any AudioFeatureExtractor
    public let sampling: FrameSampling
    public let mediaOptions: MediaOptions

    public init(
        rgb: any FrameFeatureExtractor, audio: any AudioFeatureExtractor, sampling: FrameSampling,
        mediaOptions: MediaOptions = MediaOptions()
    ) {
        rgbExtractor = rgb
        audioExtractor = audio
        self.sampling = sampling
        self.mediaOptions = mediaOptions
    }

    /// The stages `settings` name; each extractor's dimension must equal the model's (`modelDimensions`: rgb, audio).
    public convenience init(settings: PipelineSettings, modelDimensions: [Int]? = nil) throws {
        let sampling = settings.frameSampling
        let rgb = try ExtractorChoice(parsing: settings.rgbExtractor).frameExtractor(
            width: sampling.frameSize.width, height: sampling.frameSize.height, modelDimension: modelDimensions?.first,
            timeout: settings.extractorTimeout)
        let audio = try ExtractorChoice(parsing: settings.audioExtractor).audioExtractor(
            modelDimension: modelDimensions?.dropFirst().first, timeout: settings.extractorTimeout)
        self.init(rgb: rgb, audio: audio, sampling: sampling)
    }

    /// Features of `location`. `progress` receives the fraction done (0…1) now and then.
    public func run(_ location: String, progress: ((Double) -> Void)? = nil) throws -> ExtractedFeatures {
        var timings = StageTimings()
        let runStart = DispatchTime.now().uptimeNanoseconds
        let source = try timed(&timings.open) { try MediaSource(url: location, options: mediaOptions) }
        let hasAudio = source.info.audioStream != nil
        rgbExtractor.reset()
        var rgb: [Float] = [], timestamps: [Double] = [], indices: [Int] = []
        var samples: [Float] = [], audioStart: Double?
        var damaged = 0
        var pending: [VideoFrame] = []  // frames waiting for one batched extractor call
        let flush = { [self] in
            for row in try timed(&timings.rgb, { try rgbExtractor.extract(pending) }) { rgb += row }
            pending.removeAll(keepingCapacity: true)
        }
        let take = { [self] (frame: VideoFrame) throws in
            pending.append(frame)
            if pending.count == Self.framesPerExtractorCall { try flush() }
            timestamps.append(frame.pts.isFinite ? frame.pts : Double(timestamps.count) / max(self.frameRate, 1e-9))
            indices.append(frame.index)
        }
        switch sampling.rate {
        case .perSecond(let fps):
            let reader = try source.reader(
                ReadRequest(video: true, size: sampling.frameSize, framesPerSecond: fps, audio: hasAudio))
            while let item = try timed(&timings.decode, { try reader.next() }) {
                switch item {
                case .video(let frame):
                    try take(frame)
                    if let duration = source.info.duration, duration > 0 { progress?(min(1, frame.pts / duration)) }
                case .audio(let chunk):
                    if audioStart == nil, chunk.pts.isFinite { audioStart = chunk.pts }
                    samples += chunk.samples
                }
            }
            damaged = reader.damagedFrames
        case .segments(let count, let mode):
            let before = timings.rgb
            let start = DispatchTime.now().uptimeNanoseconds
            let picks = UniformSampler(segments: count, mode: mode).indices(frameCount: try source.videoFrameCount())
            let report = try source.frames(at: picks, size: sampling.frameSize) {
                frame, _ in
                try take(frame)
                progress?(Double(timestamps.count) / Double(count))
            }
            timings.decode += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 - (timings.rgb - before)
            damaged = report.damagedFrames
            if hasAudio {
                let audioSource = try timed(&timings.open) { try MediaSource(url: location, options: mediaOptions) }
                samples = try timed(&timings.decode) { try audioSource.audioSamples() }
                audioStart = 0
            }
        }
        try flush()
        guard !timestamps.isEmpty else { throw PipelineError.unusableInput(path: location, reason: "no video frames could be decoded") }
        let audio = try timed(&timings.audio) {
            try audioRows(samples, start: audioStart ?? 0, at: timestamps, hasAudio: hasAudio)
        }
        progress?(1)
        timings.total = Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9
        let rgbDimension = rgbExtractor.dimension
        return ExtractedFeatures(
            source: location, rgb: Tensor(shape: [timestamps.count, rgbDimension], scalars: rgb), audio: audio,
            timestamps: timestamps, frameIndices: indices, hasAudio: hasAudio, duration: source.info.duration,
            damagedFrames: damaged, timings: timings)
    }

    /// Frames handed to the rgb extractor per call (a network extractor runs them as one batch).
    static let framesPerExtractorCall = 8

    private var frameRate: Double { if case .perSecond(let fps) = sampling.rate { fps } else { 1 } }

    /// One audio row per frame time t, by `AudioSecond` (the second [t, t + 1), the last full second when the audio
    /// ends sooner); all zeros without an audio track. [T, Daudio]
    private func audioRows(_ samples: [Float], start: Double, at times: [Double], hasAudio: Bool) throws -> Tensor {
        let d = audioExtractor.dimension
        var rows = [Float](repeating: 0, count: times.count * d)
        guard hasAudio, !samples.isEmpty else { return Tensor(shape: [times.count, d], scalars: rows) }
        for (t, time) in times.enumerated() {
            let vector = try AudioSecond.vector(at: time, samples: samples[...], start: start, extractor: audioExtractor)
            rows.replaceSubrange((t * d)..<((t + 1) * d), with: vector)
        }
        return Tensor(shape: [times.count, d], scalars: rows)
    }
}
