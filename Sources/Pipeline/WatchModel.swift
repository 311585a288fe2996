// The model every camera runs: weights loaded once and shared read-only; each camera builds its own instance
// (its own workspace) over them.
import Media
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
    /// Class names by index (the index as text where the label map has none).
    public let labels: [String]

    /// A model description; `labels` is padded with index names up to the weights' class count by `instance()`.
    public init(kind: Kind, weights: [String: Tensor], labels: [String]) {
        self.kind = kind
        self.weights = weights
        self.labels = labels
    }

    /// A fresh model instance over the shared weights, for one camera.
    func instance() throws -> WindowClassifier { try WindowClassifier(self) }
}

/// One camera's model instance: turns a rolling window into sigmoid scores.
final class WindowClassifier {
    private enum Model {
        case cluster(AttentionCluster, UniformSampler)
        case lstm(AttentionLSTM)
    }

    private let model: Model
    /// Width the model expects of rgb vectors.
    let rgbDimension: Int
    /// Width the model expects of audio vectors.
    let audioDimension: Int
    /// Class names, one per model output.
    let labels: [String]

    init(_ shared: WatchModel) throws {
        let classes: Int
        switch shared.kind {
        case .attentionCluster(let segNum):
            let cluster = try AttentionCluster(weights: shared.weights)
            model = .cluster(cluster, UniformSampler(segments: segNum, mode: .center))
            (rgbDimension, audioDimension, classes) = (cluster.sizes.featureDims[0], cluster.sizes.featureDims[1], cluster.sizes.classes)
        case .attentionLSTM:
            let lstm = try AttentionLSTM(weights: shared.weights)
            model = .lstm(lstm)
            (rgbDimension, audioDimension, classes) = (lstm.sizes.featureDims[0], lstm.sizes.featureDims[1], lstm.sizes.classes)
        }
        labels = (0..<classes).map { $0 < shared.labels.count ? shared.labels[$0] : String($0) }
    }

    /// Sigmoid scores [K] for a window (rgb and audio vectors of the same frames) and how many frames the model
    /// read: AttentionCluster seg_num uniform picks of the window, AttentionLSTM all of it.
    func scores(rgb window: RollingWindow, audio: RollingWindow) throws -> (scores: [Float], frames: Int) {
        let rows: [Int]
        switch model {
        case .cluster(_, let sampler): rows = sampler.indices(frameCount: window.count)
        case .lstm: rows = Array(0..<window.count)
        }
        let rgb = window.rows(rows)  // [T, Drgb]
        let sound = audio.rows(rows)  // [T, Daudio]
        var logits: [Float]
        switch model {
        case .cluster(let cluster, _): logits = try cluster.logits(rgb: rgb, audio: sound)
        case .lstm(let lstm): logits = try lstm.logits(rgb: rgb, audio: sound)
        }
        logits.withUnsafeMutableBufferPointer { if let base = $0.baseAddress { Elementwise.sigmoid(base, count: $0.count) } }
        return (logits, rows.count)
    }
}
