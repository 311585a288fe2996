// What every camera runs, built once by the caller: frame size, a feature extractor per camera, the shared model.
import Features
import Media
import Stream

/// The stages of a watch, shared by its cameras: each camera makes its own extractor (extractors keep per-stream
/// state); the model is one instance that batches the cameras' windows (`batcher`), or with `--batch-size 1` one
/// instance per camera over the shared weights.
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
    /// Runs the windows of every camera that are due together through one forward pass; nil (`--batch-size 1`):
    /// each camera classifies its windows one at a time on its own model instance.
    public var batcher: WindowBatcher?

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
