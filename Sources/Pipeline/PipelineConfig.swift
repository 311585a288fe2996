// One value for every pipeline file Vigil reads: its own YAML, PaddleVideo's and PaddleCV's (see docs/pipelines.md).
import Foundation
import Models

/// Everything a pipeline file says: the model, sampling, extractors, training, watch settings and cameras.
/// Every field a file leaves out is nil (or empty), so each command applies its own documented default.
/// Paths are already resolved relative to the file they came from.
public struct PipelineConfig: Sendable, Equatable {
    /// Which layout the file used.
    public enum Layout: String, Sendable, Equatable {
        case vigil, paddleVideo, paddleCV
    }

    /// The layout the file used.
    public var layout: Layout = .vigil
    /// The file this came from (nil for a config built in code).
    public var source: URL?
    public var model = ModelConfig()
    public var sampling = SamplingConfig()
    public var extractors = ExtractorConfig()
    public var train = TrainConfig()
    public var watch = WatchConfig()
    /// Cameras in file order (`cameras:` map).
    public var cameras: [CameraConfig] = []
    /// Where `vigil watch` sends events (`events:` list: stdout, mqtt://…, http(s)://…), unless `--events` is given.
    public var events: [String] = []

    /// An empty config: every field unset.
    public init() {}
}

/// The model section: its type, files, and sizes that only check the weights' shapes.
public struct ModelConfig: Sendable, Equatable {
    public var type: ModelKind?
    /// Weights file (.safetensors, .pdparams), resolved against the YAML's folder.
    public var weights: URL?
    /// Label map (vocabulary.csv or one name per line), resolved against the YAML's folder.
    public var labels: URL?
    public var numClasses: Int?
    /// Feature sizes per modality, rgb first: [1024, 128].
    public var featureDims: [Int]?
    /// AttentionCluster: clusters per modality.
    public var clusterNums: [Int]?
    /// AttentionLSTM: width of the per-modality input projection.
    public var embeddingSize: Int?
    /// AttentionLSTM: LSTM hidden size per direction.
    public var lstmSize: Int?
    /// Widths of the fully connected layers before the logits (cluster: fc1, fc2; lstm: fc_out1, fc_out2).
    public var fcSizes: [Int]?
    public var dropRate: Double?
    /// How many classes to report (PaddleCV's `topk`).
    public var topK: Int?

    public init() {}
}

/// How frames are picked: `segNum` uniform picks, or `fps` frames per second.
public struct SamplingConfig: Sendable, Equatable {
    /// Where inside each segment a uniform pick falls.
    public enum Mode: String, Sendable, Equatable {
        case center, random
    }

    public var segNum: Int?
    public var mode: Mode?
    public var seed: UInt64?
    public var fps: Double?

    public init() {}
}

/// Which feature extractor each modality uses: `builtin`, `builtin:DIM` or `exec:COMMAND`.
public struct ExtractorConfig: Sendable, Equatable {
    public var rgb: String?
    public var audio: String?

    public init() {}
}

/// Training settings (used by `vigil train --config`).
public struct TrainConfig: Sendable, Equatable {
    /// adam, rmsprop, …
    public var optimizer: String?
    /// RMSProp: centered.
    public var centered: Bool?
    public var learningRate: Double?
    public var epochs: Int?
    public var batchSize: Int?
    /// Piecewise-constant schedule: epochs at which the rate changes, and the rates (one more than boundaries).
    public var lrBoundaries: [Int]?
    public var lrValues: [Double]?
    /// L2 weight decay coefficient.
    public var weightDecay: Double?
    /// The 1-based epoch from which the weights are averaged (stochastic weight averaging); nil: none.
    public var averageFrom: Int?
    /// Data lists (one feature file per line), resolved against the YAML's folder.
    public var trainList: URL?
    public var validList: URL?
    public var testList: URL?
    /// Other scalar keys of the section, as written (for settings this loader does not interpret).
    public var extra: [String: String] = [:]

    public init() {}
}

/// Watch settings (used by `vigil watch`).
public struct WatchConfig: Sendable, Equatable {
    /// Window length in seconds.
    public var window: Double?
    /// Seconds between classified windows.
    public var stride: Double?
    public var events = EventConfig()
    /// Other scalar keys of the section, as written.
    public var extra: [String: String] = [:]

    public init() {}
}

/// Event hysteresis thresholds; `labels` overrides them per label name.
public struct EventConfig: Sendable, Equatable {
    public var thresholds = EventThresholds()
    /// Per-label overrides, by label name.
    public var labels: [String: EventThresholds] = [:]

    public init() {}
}

/// One set of event thresholds; nil fields fall back to the general ones.
public struct EventThresholds: Sendable, Equatable {
    /// Score at or above which a window counts towards starting an event.
    public var on: Double?
    /// Score below which a window counts towards ending it.
    public var off: Double?
    /// Consecutive windows at or above `on` needed to start.
    public var minWindows: Int?
    /// Seconds below `off` after which an event ends.
    public var maxQuiet: Double?

    public init() {}
}

/// One camera of a `cameras:` map, with its overrides.
public struct CameraConfig: Sendable, Equatable {
    public var name: String
    public var url: String
    public var fps: Double?
    public var segNum: Int?
    public var window: Double?
    public var stride: Double?
    /// Other scalar keys (e.g. a transport), as written.
    public var extra: [String: String] = [:]

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}
