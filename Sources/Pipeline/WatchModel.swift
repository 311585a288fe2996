// The model every camera runs: weights loaded once and shared read-only; each camera builds its own instance
// (its own workspace) over them.
import Models
import Stream
import Tensor

/// Loaded weights, the kind of model they make and the class names: shared by every camera.
/// `Tensor` storage is copy-on-write and inference never writes to weights, so each camera's model instance points
/// at the same weight buffers; only the workspaces are per camera.
public struct WatchModel: @unchecked Sendable {
    /// Which model (the catalogue's kind).
    public let kind: ModelKind
    /// AttentionCluster: how many uniform picks it takes from a window (AttentionLSTM reads every row).
    public let segNum: Int
    /// The state dict keyed by Paddle's names.
    public let weights: [String: Tensor]
    /// Class names by index (nil where the label map has none).
    public let labels: [String?]
    /// AttentionCluster: the dropout rate it was trained with (inference scales by 1 − rate); nil = the model's 0.5.
    public let dropRate: Float?

    /// A model description; `labels` is padded with nil up to the weights' class count by `instance()`.
    public init(kind: ModelKind, segNum: Int = 100, weights: [String: Tensor], labels: [String?], dropRate: Float? = nil) {
        self.kind = kind
        self.segNum = segNum
        self.weights = weights
        self.labels = labels
        self.dropRate = dropRate
    }

    /// A fresh model instance over the shared weights, for one camera.
    func instance() throws -> WindowClassifier { try WindowClassifier(self) }
}

/// One camera's model instance: turns a rolling window into sigmoid scores with the one `Scorer`.
final class WindowClassifier {
    let scorer: Scorer
    /// Width the model expects of rgb vectors.
    var rgbDimension: Int { scorer.model.featureWidths[0] }
    /// Width the model expects of audio vectors; 0 for an rgb-only model (one modality), which reads no audio.
    var audioDimension: Int { scorer.model.featureWidths.count > 1 ? scorer.model.featureWidths[1] : 0 }
    /// Class names, one per model output (nil: the label map has none).
    var labels: [String?] { scorer.labels }

    init(_ shared: WatchModel) throws {
        let model = try shared.kind.make(weights: shared.weights)
        let isCluster = shared.kind == .attentionCluster
        if isCluster, let rate = shared.dropRate { model.dropoutRate = rate }
        let sampler = isCluster ? UniformSampler(segments: shared.segNum, mode: .center) : nil
        scorer = Scorer(model: model, sampler: sampler, names: shared.labels)
    }

    /// Sigmoid scores [K] for a window (rgb and audio vectors of the same frames) and how many frames the model
    /// read: AttentionCluster seg_num uniform picks of the window, AttentionLSTM all of it.
    func scores(rgb window: RollingWindow, audio: RollingWindow) throws -> (scores: [Float], frames: Int) {
        try scorer.scores(rgb: window.tensor(), audio: audio.tensor())
    }
}
