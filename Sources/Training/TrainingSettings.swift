// TrainingSettings: training choices as a config file or flags give them (all optional), resolved against the
// published recipes (spec §2.6 AttentionLSTM, §3.5 AttentionCluster).
import Models

/// Training choices, each optional; `resolved` fills the gaps with the model's published recipe.
public struct TrainingSettings: Sendable, Equatable {
    /// `adam` or `rmsprop` (centered).
    public var optimizer: String?
    /// Replaces the schedule's first rate; later rates keep their ratio to it.
    public var learningRate: Double?
    /// Piecewise schedule: epochs where the rate changes, and one more rate than boundaries.
    public var boundaries: [Int]?
    public var rates: [Double]?
    /// L2 decay on every parameter that decays.
    public var weightDecay: Double?
    /// The 1-based epoch from which the weights are averaged (`train.average_from`); nil: no averaging.
    public var averageFrom: Int?
    public var epochs: Int?
    public var batchSize: Int?
    /// AttentionCluster's rows per video (`sampling.seg_num`).
    public var segments: Int?
    /// Dropout probability in training (`model.drop_rate`; both models default to 0.5).
    public var dropRate: Double?
    public var seed: UInt64?

    /// No choices made yet.
    public init() {}

    /// The options and epoch count for `modelType`: AttentionLSTM defaults to centered RMSProp, 2.5e-4 → 2.5e-5 →
    /// 2.5e-6 at epochs 5 and 8, L2 4e-4, 10 epochs, batch 128; AttentionCluster to Adam 1e-3, no decay, 5 epochs,
    /// batch 256, 100 segments.
    public func resolved(for modelType: String) throws -> (options: TrainingOptions, epochs: Int) {
        let lstm = modelType == AttentionLSTM.modelType
        guard let kind = OptimizerKind(rawValue: (optimizer ?? (lstm ? "rmsprop" : "adam")).lowercased()) else {
            throw TrainingError.usage("unknown optimizer '\(optimizer ?? "")' (expected adam or rmsprop)")
        }
        var values = rates.flatMap { $0.isEmpty ? nil : $0 } ?? (lstm ? [2.5e-4, 2.5e-5, 2.5e-6] : [1e-3])
        let steps = boundaries ?? (rates == nil && lstm ? [5, 8] : [])
        if let learningRate, let first = values.first, first > 0 { values = values.map { $0 * learningRate / first } }
        guard values.count == steps.count + 1, values.allSatisfy({ $0 > 0 }), steps == steps.sorted() else {
            throw TrainingError.usage("the learning-rate schedule needs ascending boundaries and one more positive rate than boundaries")
        }
        let epochs = epochs ?? (lstm ? 10 : 5), batch = batchSize ?? (lstm ? 128 : 256)
        guard epochs > 0, batch > 0, (segments ?? 1) > 0, (averageFrom ?? 1) > 0, (weightDecay ?? 0) >= 0,
              (0..<1).contains(dropRate ?? 0)
        else {
            throw TrainingError.usage(
                "epochs, batch size, seg_num and average_from must be positive, weight decay not negative and drop_rate in [0, 1)")
        }
        var options = TrainingOptions(
            optimizer: kind, schedule: PiecewiseDecay(boundaries: steps, values: values.map(Float.init)),
            weightDecay: Float(weightDecay ?? (lstm ? 4e-4 : 0)), batchSize: batch,
            sampling: lstm ? nil : SegmentSampling(segments: segments ?? ModelKind.defaultSegNum), seed: seed ?? 0)
        options.averageFrom = averageFrom
        return (options, epochs)
    }
}
