// AttentionCluster: the PaddleCV fluid model (PaddlePaddle/models PaddleCV/video/models/attention_cluster/
// attention_cluster.py, shifting_attention.py, logistic_model.py; spec §3). Per modality shifting attention over the
// sampled frames; concat → dropout (downgrade_in_infer: ×(1−p) at inference) → fc1+tanh → fc2+tanh → logistic.
// Legend: B videos, N packed frames of one modality, F feature width, C clusters, Z = Σ C·F, F1/F2 fc widths,
//         K classes.
import Tensor

/// PaddleCV's AttentionCluster, built from its named tensors (4 per modality + 6); every size comes from the weights' shapes.
/// It takes already-sampled frames (seg_num rows per video; the caller samples).
public final class AttentionCluster: FeatureClassifier {
    /// Widths read from the weights.
    public struct Sizes: Sendable, Equatable {
        public var featureDims: [Int]  // F per modality (feature_names order: rgb, audio, …)
        public var clusterCounts: [Int]  // C per modality
        public var fcSizes: [Int]  // [F1, F2]
        public var classes: Int  // K
    }

    /// The type name used in configs and weight metadata.
    public static let modelType = "attention_cluster"
    /// Modalities of a state dict: how many `satt{i}.conv.weight` exist for i = 0, 1, … (PaddleCV makes one
    /// shifting attention per entry of `feature_names`).
    public static func modalities(in weights: [String: Tensor]) -> Int {
        var count = 0
        while weights["satt\(count).conv.weight"] != nil { count += 1 }
        return count
    }

    public let sizes: Sizes
    public let parameters: [Parameter]
    public let lossReduction = LossReduction.meanOverBatch
    /// Dropout on the concatenated attention output (downgrade_in_infer, p = 0.5).
    public var dropoutRate: Float {
        get { dropout.rate }
        set { dropout.rate = newValue }
    }

    let attentions: [ShiftingAttention]  // satt{i}
    let fc1: LinearParameters  // [Z, F1]
    let fc2: LinearParameters  // [F1, F2]
    let logistic: LinearParameters  // [F2, K]
    private var dropout = Dropout(convention: .downgradeInInfer, rate: 0.5)
    private let workspace = AttentionClusterWorkspace()

    /// Paddle's parameter names of a `modalities`-stream model (explicit ParamAttr names; the `.pdparams` keys), in
    /// `parameters` order (spec §3.4).
    public static func paddleKeys(modalities: Int = 2) -> [String] {
        var keys: [String] = []
        for i in 0..<modalities {
            keys += ["conv.weight", "conv.bias", "shift_w", "shift_b"].map { "satt\(i).\($0)" }
        }
        for layer in ["fc1", "fc2", "logistic"] { keys += ["\(layer).weights", "\(layer).bias"] }
        return keys
    }

    /// Builds the model from a state dict keyed by Paddle's names; fails naming missing, unexpected or misshapen keys.
    public init(weights: [String: Tensor]) throws {
        var table = WeightTable(model: "AttentionCluster", tensors: weights)
        var taken: [Parameter] = []
        let modalities = max(1, Self.modalities(in: weights))  // none: the missing-key error names satt0
        for key in Self.paddleKeys(modalities: modalities) {
            guard let tensor = try table.take(key) else { continue }
            taken.append(Parameter(name: key, value: tensor))
        }
        try table.finish()
        parameters = taken
        var byName: [String: Parameter] = [:]
        for parameter in taken { byName[parameter.name] = parameter }
        func p(_ name: String) -> Parameter { byName[name]! }  // every key was checked present above

        var attentions: [ShiftingAttention] = []
        for i in 0..<modalities {
            let conv = p("satt\(i).conv.weight")
            let shape = conv.value.shape
            guard shape.count == 4, shape[2] == 1, shape[3] == 1 else {
                throw ModelError.shapeMismatch(key: conv.name, expected: [shape[0], -1, 1, 1], actual: shape)
            }
            for name in ["conv.bias", "shift_w", "shift_b"] { try requireShape(p("satt\(i).\(name)"), [shape[0]]) }
            attentions.append(
                ShiftingAttention(
                    convWeight: conv, convBias: p("satt\(i).conv.bias"), shiftWeight: p("satt\(i).shift_w"),
                    shiftBias: p("satt\(i).shift_b")))
        }
        self.attentions = attentions
        fc1 = LinearParameters(weight: p("fc1.weights"), bias: p("fc1.bias"))
        fc2 = LinearParameters(weight: p("fc2.weights"), bias: p("fc2.bias"))
        logistic = LinearParameters(weight: p("logistic.weights"), bias: p("logistic.bias"))
        let f1 = try fc1.sizes(inputs: attentions.reduce(0) { $0 + $1.outputWidth }).outputs
        let f2 = try fc2.sizes(inputs: f1).outputs
        let classes = try logistic.sizes(inputs: f2).outputs
        sizes = Sizes(
            featureDims: attentions.map(\.features), clusterCounts: attentions.map(\.clusters), fcSizes: [f1, f2],
            classes: classes)
    }

    /// Feature widths per modality, from the weights.
    public var featureWidths: [Int] { sizes.featureDims }
    public var classCount: Int { sizes.classes }

    /// The forward pass; `training` draws dropout from `rng` and keeps what `backward` needs.
    public func forward<R: RandomNumberGenerator>(_ batch: FeatureBatch, training: Bool, rng: inout R) -> Tensor {
        let ws = workspace
        ws.prepare(batch: batch, sizes: sizes, training: training)
        let (b, z) = (batch.count, ws.concatWidth)
        var column = 0
        for (i, attention) in attentions.enumerated() {
            let mw = ws.branches[i]
            attention.forward(
                out: ws.z.pointer + column, outStride: z, w: mw.w.pointer, v: mw.v.pointer, norms: mw.norms.pointer,
                x: mw.x.pointer, seqs: mw.seqs)
            column += attention.outputWidth
        }
        if training {
            dropout.forwardTraining(y: ws.dropped.pointer, mask: ws.mask.pointer, x: ws.z.pointer, count: b * z, rng: &rng)
        } else {
            ws.dropped.pointer.update(from: ws.z.pointer, count: b * z)
            Elementwise.scale(ws.dropped.pointer, count: b * z, by: dropout.inferenceScale)
        }
        let (f1, f2, k) = (sizes.fcSizes[0], sizes.fcSizes[1], sizes.classes)
        Linear.forward(y: ws.f1.pointer, x: ws.dropped.pointer, weight: fc1.weight, bias: fc1.bias, rows: b)
        Activation.tanh.forward(ws.f1.pointer, count: b * f1)
        Linear.forward(y: ws.f2.pointer, x: ws.f1.pointer, weight: fc2.weight, bias: fc2.bias, rows: b)
        Activation.tanh.forward(ws.f2.pointer, count: b * f2)
        Linear.forward(y: ws.logits.pointer, x: ws.f2.pointer, weight: logistic.weight, bias: logistic.bias, rows: b)
        return Tensor(shape: [b, k], scalars: Array(UnsafeBufferPointer(start: ws.logits.pointer, count: b * k)))
    }

    public func backward(_ dLogits: Tensor) {
        let ws = workspace
        let (b, z, f1, f2) = (ws.videos, ws.concatWidth, sizes.fcSizes[0], sizes.fcSizes[1])
        precondition(ws.trained && dLogits.shape == [b, sizes.classes], "backward needs the last forwardTraining's batch")
        ws.df2.zero(b * f2)
        ws.df1.zero(b * f1)
        ws.dDropped.zero(b * z)
        ws.dz.zero(b * z)
        dLogits.scalars.withUnsafeBufferPointer { dl in
            Linear.backward(dx: ws.df2.pointer, weight: logistic.weight, bias: logistic.bias, dy: dl.baseAddress!, x: ws.f2.pointer, rows: b)
        }
        Activation.tanh.backward(ws.df2.pointer, y: ws.f2.pointer, count: b * f2)
        Linear.backward(dx: ws.df1.pointer, weight: fc2.weight, bias: fc2.bias, dy: ws.df2.pointer, x: ws.f1.pointer, rows: b)
        Activation.tanh.backward(ws.df1.pointer, y: ws.f1.pointer, count: b * f1)
        Linear.backward(dx: ws.dDropped.pointer, weight: fc1.weight, bias: fc1.bias, dy: ws.df1.pointer, x: ws.dropped.pointer, rows: b)
        dropout.backward(dx: ws.dz.pointer, dy: ws.dDropped.pointer, mask: ws.mask.pointer, count: b * z)
        var column = 0
        for (i, attention) in attentions.enumerated() {
            let mw = ws.branches[i]
            attention.backward(
                dv: mw.dv.pointer, dw: mw.dw.pointer, dOut: ws.dz.pointer + column, outStride: z, w: mw.w.pointer,
                v: mw.v.pointer, norms: mw.norms.pointer, x: mw.x.pointer, seqs: mw.seqs)
            column += attention.outputWidth
        }
    }
}
