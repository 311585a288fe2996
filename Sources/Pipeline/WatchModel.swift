// The model every camera runs: weights loaded once and shared read-only; each camera builds its own instance
// (its own workspace) over them.
import Models
import Stream
import Tensor

/// Loaded weights, the kind of model they make and the class names: shared by every camera.
/// `Tensor` storage is copy-on-write and inference never writes to weights, so each camera's model instance points
/// at the same weight buffers; only the workspaces are per camera.
public struct WatchModel: @unchecked Sendable {
    /// Which model, and for AttentionCluster how many uniform picks it takes from a window.
    public enum Kind: Sendable, Equatable {
        case attentionCluster(segNum: Int)
        case attentionLSTM
    }

    public let kind: Kind
    /// The state dict keyed by Paddle's names.
    public let weights: [String: Tensor]
    /// Class names by index (nil where the label map has none).
    public let labels: [String?]
    /// AttentionCluster: the dropout rate it was trained with (inference scales by 1 − rate); nil = the model's 0.5.
    public let dropRate: Float?

    /// A model description; `labels` is padded with nil up to the weights' class count by `instance()`.
    public init(kind: Kind, weights: [String: Tensor], labels: [String?], dropRate: Float? = nil) {
        self.kind = kind
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
    /// Width the model expects of audio vectors.
    var audioDimension: Int { scorer.model.featureWidths[1] }
    /// Class names, one per model output (nil: the label map has none).
    var labels: [String?] { scorer.labels }

    init(_ shared: WatchModel) throws {
        switch shared.kind {
        case .attentionCluster(let segNum):
            let cluster = try AttentionCluster(weights: shared.weights)
            if let rate = shared.dropRate { cluster.dropoutRate = rate }
            scorer = Scorer(model: cluster, sampler: UniformSampler(segments: segNum, mode: .center), names: shared.labels)
        case .attentionLSTM:
            scorer = Scorer(model: try AttentionLSTM(weights: shared.weights), sampler: nil, names: shared.labels)
        }
    }

    /// Sigmoid scores [K] for a window (rgb and audio vectors of the same frames) and how many frames the model
    /// read: AttentionCluster seg_num uniform picks of the window, AttentionLSTM all of it.
    func scores(rgb window: RollingWindow, audio: RollingWindow) throws -> (scores: [Float], frames: Int) {
        try scorer.scores(rgb: window.tensor(), audio: audio.tensor())
    }
}
