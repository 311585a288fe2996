// How many frames a run takes from a file: a fixed rate, or a fixed count spread uniformly.
import Media
import Models

/// The frame-sampling plan of a run: `--fps F` (default 1, YouTube-8M's rate) or `--seg-num N` uniform picks.
public struct FrameSampling: Sendable, Equatable {
    /// Which frames to decode.
    public enum Rate: Sendable, Equatable {
        /// The first frame of every 1/F seconds of presentation time.
        case perSecond(Double)
        /// N frames picked by `UniformSampler` (exact, seek-aware).
        case segments(Int, UniformSampler.Mode)
    }

    /// Frame size the rgb extractor is given (frames are scaled to it, aspect ratio not kept).
    public static let defaultFrameSize = FrameSize(width: 224, height: 224)

    public var rate: Rate
    public var frameSize: FrameSize

    public init(rate: Rate = .perSecond(1), frameSize: FrameSize = FrameSampling.defaultFrameSize) {
        self.rate = rate
        self.frameSize = frameSize
    }
}
