// AttentionLSTM: PaddleVideo 2.x AttentionLstmHead under Recognizer1D
// (paddlevideo/modeling/heads/attention_lstm_head.py; spec §2). Per modality: Linear+tanh → BiLSTM → dropout →
// masked attention pooling; concat → fc_out1+ReLU → fc_out2+tanh → fc_logit.
// Legend: B videos, N packed rows of one modality, D feature width, E embedding, H LSTM width, W = 2H,
//         Z = Σ W over modalities, F1/F2 fc_out widths, K classes.
import Tensor

/// PaddleVideo's AttentionLSTM, built from its `.pdparams` state dict; every size comes from the weights' shapes.
public final class AttentionLSTM: FeatureClassifier {
    /// Widths read from the weights.
    public struct Sizes: Sendable, Equatable {
        public var featureDims: [Int]  // D per modality (feature_names order: rgb, audio, …)
        public var embeddingSizes: [Int]  // E per modality
        public var lstmSizes: [Int]  // H per modality
        public var fcSizes: [Int]  // [F1, F2]
        public var classes: Int  // K
    }

    /// The type name used in configs and weight metadata.
    public static let modelType = "attention_lstm"
    /// Modalities of a state dict: how many `head.fc_feature{i}.weight` exist for i = 0, 1, … (PaddleVideo makes one
    /// branch per entry of `feature_names`).
    public static func modalities(in weights: [String: Tensor]) -> Int {
        var count = 0
        while weights["head.fc_feature\(count).weight"] != nil { count += 1 }
        return count
    }

    public let sizes: Sizes
    public let parameters: [Parameter]
    public let lossReduction = LossReduction.sum
    /// Dropout after the BiLSTM (upscale_in_train, p = 0.5); only `forwardTraining` applies it.
    public var dropoutRate: Float {
        get { dropout.rate }
        set { dropout.rate = newValue }
    }

    struct Branch {
        let feature: LinearParameters  // fc_feature{i}: [D, E]
        let lstm: BiLSTM  // bi_lstm{i}
        let attention: AttentionPooling  // att_fc{i}: [W, 1]
    }
    let branches: [Branch]
    let fcOut1: LinearParameters  // [Z, F1]
    let fcOut2: LinearParameters  // [F1, F2]
    let fcLogit: LinearParameters  // [F2, K]
    private var dropout = Dropout(convention: .upscaleInTrain, rate: 0.5)
    private let workspace = AttentionLSTMWorkspace()
    /// Whether the two branches run concurrently: the process's start-up policy when the model was built.
    var concurrentBranches = BranchParallelism.isConcurrent
    /// Whether the LSTM weights came laid out as panels (`layOutForInference`): such a model only infers.
    public let infersOnly: Bool

    /// Paddle's state-dict keys of a `modalities`-branch head, in `parameters` order, with the alias Paddle also saves
    /// for LSTM tensors (spec §2.5).
    public static func paddleKeys(modalities: Int = 2) -> [(key: String, alias: String?)] {
        var keys: [(String, String?)] = []
        for i in 0..<modalities {
            keys += [("head.fc_feature\(i).weight", nil), ("head.fc_feature\(i).bias", nil)]
            for (suffix, cell) in [("", "cell_fw"), ("_reverse", "cell_bw")] {
                for tensor in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
                    keys.append(("head.bi_lstm\(i).\(tensor)_l0\(suffix)", "head.bi_lstm\(i).0.\(cell).\(tensor)"))
                }
            }
            keys += [("head.att_fc\(i).weight", nil), ("head.att_fc\(i).bias", nil)]
        }
        for layer in ["fc_out1", "fc_out2", "fc_logit"] {
            keys += [("head.\(layer).weight", nil), ("head.\(layer).bias", nil)]
        }
        return keys
    }

    /// Builds the model from a state dict keyed by Paddle's names; fails naming missing, unexpected or misshapen keys.
    public init(weights: [String: Tensor]) throws {
        var table = WeightTable(model: "AttentionLSTM", tensors: weights)
        var taken: [Parameter] = []
        let modalities = max(1, Self.modalities(in: weights))  // none: the missing-key error names fc_feature0
        for (key, alias) in Self.paddleKeys(modalities: modalities) {
            guard let tensor = try table.take(key, alias: alias) else { continue }
            let outputBias = key.hasSuffix("bias") && ["fc_out1", "fc_out2", "fc_logit"].contains { key.contains($0) }
            taken.append(Parameter(name: key, value: tensor, decays: !outputBias))
        }
        try table.finish()
        parameters = taken
        var byName: [String: Parameter] = [:]
        for parameter in taken { byName[parameter.name] = parameter }
        func p(_ name: String) -> Parameter { byName["head." + name]! }  // every key was checked present above

        var branches: [Branch] = []
        var dims: [Int] = [], embeddings: [Int] = [], hiddens: [Int] = []
        for i in 0..<modalities {
            let feature = LinearParameters(weight: p("fc_feature\(i).weight"), bias: p("fc_feature\(i).bias"))
            let (d, e) = try feature.sizes()
            let hh = p("bi_lstm\(i).weight_hh_l0").value.shape
            let h = hh.count == 3 ? hh[1] : hh.last ?? 0  // [4H, H], or its panels [⌈4H/16⌉, H, 16]
            func direction(_ suffix: String, reverse: Bool) throws -> LSTMDirection {
                let names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map { "bi_lstm\(i).\($0)_l0\(suffix)" }
                let panels = hh.count == 3  // every W_ih and W_hh of the model laid out alike
                try requireShape(p(names[0]), panels ? [(4 * h + 15) / 16, e, 16] : [4 * h, e])
                try requireShape(p(names[1]), panels ? [(4 * h + 15) / 16, h, 16] : [4 * h, h])
                try requireShape(p(names[2]), [4 * h])
                try requireShape(p(names[3]), [4 * h])
                return LSTMDirection(
                    weightIH: p(names[0]), weightHH: p(names[1]), biasIH: p(names[2]), biasHH: p(names[3]),
                    reverse: reverse)
            }
            let lstm = BiLSTM(
                forwardDirection: try direction("", reverse: false),
                backwardDirection: try direction("_reverse", reverse: true))
            try requireShape(p("att_fc\(i).weight"), [2 * h, 1])
            try requireShape(p("att_fc\(i).bias"), [1])
            branches.append(
                Branch(
                    feature: feature, lstm: lstm,
                    attention: AttentionPooling(weight: p("att_fc\(i).weight"), bias: p("att_fc\(i).bias"))))
            dims.append(d)
            embeddings.append(e)
            hiddens.append(h)
        }
        self.branches = branches
        infersOnly = branches.contains { $0.lstm.forwardDirection.weightsArePanels }
        fcOut1 = LinearParameters(weight: p("fc_out1.weight"), bias: p("fc_out1.bias"))
        fcOut2 = LinearParameters(weight: p("fc_out2.weight"), bias: p("fc_out2.bias"))
        fcLogit = LinearParameters(weight: p("fc_logit.weight"), bias: p("fc_logit.bias"))
        let pooledWidth = hiddens.reduce(0) { $0 + 2 * $1 }
        let f1 = try fcOut1.sizes(inputs: pooledWidth).outputs
        let f2 = try fcOut2.sizes(inputs: f1).outputs
        let classes = try fcLogit.sizes(inputs: f2).outputs
        sizes = Sizes(featureDims: dims, embeddingSizes: embeddings, lstmSizes: hiddens, fcSizes: [f1, f2], classes: classes)
    }

    /// Re-lays every LSTM's W_ih [4H, E] and W_hh [4H, H] of a state dict, in place, as the `PanelGemm` panels the
    /// inference recurrence streams ([⌈4H/16⌉, ·, 16]), for weights that will only infer (predict, classify, watch,
    /// eval): no packed copy then sits beside the row-major one, and camera instances share the panels as they share
    /// every weight. A model built from such weights refuses to train (`infersOnly`).
    public static func layOutForInference(_ weights: inout [String: Tensor]) {
        for (key, _) in paddleKeys(modalities: max(1, modalities(in: weights)))
        where key.contains(".weight_ih_l0") || key.contains(".weight_hh_l0") {
            guard weights[key]?.shape.count == 2 else { continue }  // missing (init names it) or already panels
            PanelGemm.relayAsPanels(&weights[key]!)
        }
    }

    /// Feature widths per modality, from the weights.
    public var featureWidths: [Int] { sizes.featureDims }
    public var classCount: Int { sizes.classes }

    /// The forward pass; `training` draws dropout from `rng` and keeps what `backward` needs.
    /// Inference runs `forwardInference` (bounded memory); training keeps every activation for `backward`.
    public func forward<R: RandomNumberGenerator>(_ batch: FeatureBatch, training: Bool, rng: inout R) -> Tensor {
        guard training else { return forwardInference(batch) }
        precondition(!infersOnly, "AttentionLSTM: weights laid out for inference cannot train")
        let ws = workspace
        ws.prepare(batch: batch, sizes: sizes, training: training)
        let (b, z) = (batch.count, ws.pooledWidth)
        forEachBranch(branches.count, concurrently: concurrentBranches) { i in  // fc_feature + tanh → BiLSTM, the modalities concurrently
            let (branch, bw) = (branches[i], ws.branches[i])
            let n = bw.seqs.total
            Linear.forward(y: bw.e.pointer, x: bw.x.pointer, weight: branch.feature.weight, bias: branch.feature.bias, rows: n)
            Activation.tanh.forward(bw.e.pointer, count: n * sizes.embeddingSizes[i])
            branch.lstm.forward(h: bw.h.pointer, buffers: bw.lstm, x: bw.e.pointer, seqs: bw.seqs)
        }
        var column = 0
        for (i, branch) in branches.enumerated() {  // dropout → attention pooling into z
            let bw = ws.branches[i]
            let (n, w) = (bw.seqs.total, 2 * sizes.lstmSizes[i])
            if training {
                dropout.forwardTraining(y: bw.d.pointer, mask: bw.mask.pointer, x: bw.h.pointer, count: n * w, rng: &rng)
            }
            branch.attention.forward(
                pooled: ws.z.pointer + column, pooledStride: z, a: bw.a.pointer,
                d: training ? bw.d.pointer : bw.h.pointer, seqs: bw.seqs)
            column += w
        }
        return head(videos: b)
    }

    /// The forward pass without training's histories: the branches one after another, each a `PooledBiLSTM` whose
    /// two directions run on two cores (when the start-up policy allows), so one set of buffers serves every branch
    /// and the largest activation is one [N, H] history (docs/models.md, "Recurrent kernel").
    func forwardInference(_ batch: FeatureBatch) -> Tensor {
        let ws = workspace
        ws.prepareInference(batch: batch, sizes: sizes)
        var column = 0
        for (i, branch) in branches.enumerated() {
            let seqs = ws.branches[i].seqs
            let e = sizes.embeddingSizes[i]
            for (video, input) in batch.streams[i].enumerated() where seqs.lengths[video] > 0 {
                input.scalars.withUnsafeBufferPointer { x in  // fc_feature straight from each video's rows
                    Linear.forward(
                        y: ws.embedded.pointer + seqs.offsets[video] * e, x: x.baseAddress!, weight: branch.feature.weight,
                        bias: branch.feature.bias, rows: seqs.lengths[video])
                }
            }
            Activation.tanh.forward(ws.embedded.pointer, count: seqs.total * e)
            PooledBiLSTM(lstm: branch.lstm, attention: branch.attention).forward(
                pooled: ws.z.pointer + column, pooledStride: ws.pooledWidth, x: ws.embedded.pointer, seqs: seqs,
                buffers: ws.pooledLSTM, concurrently: concurrentBranches)
            column += 2 * sizes.lstmSizes[i]
        }
        return head(videos: batch.count)
    }

    /// fc_out1 + ReLU → fc_out2 + tanh → fc_logit over the pooled [B, Z] in the workspace.
    private func head(videos b: Int) -> Tensor {
        let ws = workspace
        let (f1, f2, k) = (sizes.fcSizes[0], sizes.fcSizes[1], sizes.classes)
        Linear.forward(y: ws.f1.pointer, x: ws.z.pointer, weight: fcOut1.weight, bias: fcOut1.bias, rows: b)
        Activation.relu.forward(ws.f1.pointer, count: b * f1)
        Linear.forward(y: ws.f2.pointer, x: ws.f1.pointer, weight: fcOut2.weight, bias: fcOut2.bias, rows: b)
        Activation.tanh.forward(ws.f2.pointer, count: b * f2)
        Linear.forward(y: ws.logits.pointer, x: ws.f2.pointer, weight: fcLogit.weight, bias: fcLogit.bias, rows: b)
        return Tensor(shape: [b, k], scalars: Array(UnsafeBufferPointer(start: ws.logits.pointer, count: b * k)))
    }

    public func backward(_ dLogits: Tensor) {
        let ws = workspace
        let (b, z, f1, f2) = (ws.videos, ws.pooledWidth, sizes.fcSizes[0], sizes.fcSizes[1])
        precondition(ws.trained && dLogits.shape == [b, sizes.classes], "backward needs the last forwardTraining's batch")
        ws.df2.zero(b * f2)
        ws.df1.zero(b * f1)
        ws.dz.zero(b * z)
        dLogits.scalars.withUnsafeBufferPointer { dl in
            Linear.backward(dx: ws.df2.pointer, weight: fcLogit.weight, bias: fcLogit.bias, dy: dl.baseAddress!, x: ws.f2.pointer, rows: b)
        }
        Activation.tanh.backward(ws.df2.pointer, y: ws.f2.pointer, count: b * f2)
        Linear.backward(dx: ws.df1.pointer, weight: fcOut2.weight, bias: fcOut2.bias, dy: ws.df2.pointer, x: ws.f1.pointer, rows: b)
        Activation.relu.backward(ws.df1.pointer, y: ws.f1.pointer, count: b * f1)
        Linear.backward(dx: ws.dz.pointer, weight: fcOut1.weight, bias: fcOut1.bias, dy: ws.df1.pointer, x: ws.z.pointer, rows: b)
        var column = 0
        for (i, branch) in branches.enumerated() {  // attention pooling → dropout, into dh
            let bw = ws.branches[i]
            let (n, w) = (bw.seqs.total, 2 * sizes.lstmSizes[i])
            bw.dd.zero(n * w)
            bw.dh.zero(n * w)
            branch.attention.backward(
                dd: bw.dd.pointer, da: bw.da.pointer, dPooled: ws.dz.pointer + column, pooledStride: z,
                a: bw.a.pointer, d: bw.d.pointer, seqs: bw.seqs)
            dropout.backward(dx: bw.dh.pointer, dy: bw.dd.pointer, mask: bw.mask.pointer, count: n * w)
            column += w
        }
        forEachBranch(branches.count, concurrently: concurrentBranches) { i in  // BiLSTM → tanh → fc_feature, the modalities concurrently
            let (branch, bw) = (branches[i], ws.branches[i])
            let (n, e) = (bw.seqs.total, sizes.embeddingSizes[i])
            bw.de.zero(n * e)
            branch.lstm.backward(dx: bw.de.pointer, buffers: bw.lstm, dh: bw.dh.pointer, h: bw.h.pointer, x: bw.e.pointer, seqs: bw.seqs)
            Activation.tanh.backward(bw.de.pointer, y: bw.e.pointer, count: n * e)
            Linear.backward(dx: nil, weight: branch.feature.weight, bias: branch.feature.bias, dy: bw.de.pointer, x: bw.x.pointer, rows: n)
        }
    }
}
