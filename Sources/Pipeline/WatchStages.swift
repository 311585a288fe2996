// What every camera runs, built once by the caller: frame size, a feature extractor per camera, the shared model.
import Features
import Media
import Stream

/// The stages of a watch, shared by its cameras: each camera makes its own extractor (extractors keep per-stream
/// state) and its own model instance over the shared weights.
public struct WatchStages: @unchecked Sendable {
    /// Size frames are scaled to before extraction (nil: as decoded).
    public var frameSize: FrameSize?
    /// Makes one camera's frame extractor.
    public var makeExtractor: () throws -> any FrameFeatureExtractor
    /// Makes one camera's audio extractor (for inputs with an audio track).
    public var makeAudioExtractor: () throws -> any AudioFeatureExtractor
    /// The shared model.
    public var model: WatchModel
    /// How many classes each `window` line lists.
    public var topK: Int
    /// Event hysteresis per label.
    public var policy: EventPolicy
    /// Told what each camera decodes (metrics); nil: nobody listens.
    public var observer: (any CameraObserver)?

    /// The stages.
    public init(
        frameSize: FrameSize?, makeExtractor: @escaping () throws -> any FrameFeatureExtractor,
        makeAudioExtractor: @escaping () throws -> any AudioFeatureExtractor, model: WatchModel, topK: Int,
        policy: EventPolicy
    ) {
        self.frameSize = frameSize
        self.makeExtractor = makeExtractor
        self.makeAudioExtractor = makeAudioExtractor
        self.model = model
        self.topK = topK
        self.policy = policy
    }
}
