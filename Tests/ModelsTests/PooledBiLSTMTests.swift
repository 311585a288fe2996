// The inference path (PooledBiLSTM: input projection per chunk of steps, the directions meeting in the middle, the
// attention softmax accumulated online) against the training path, which keeps every activation; on lengths that
// span several chunks, ragged, odd and even, and a one-row video; and with the LSTM weights laid out as panels at
// load (`AttentionLSTM.layOutForInference`), which must give the same logits bit for bit.
import Tensor
import Testing

@testable import Models

/// Random AttentionLSTM weights: features 16/8, E 12, H `h` (20: 4H = 80, whole 16-float vectors plus a tail), fc
/// 24/20, 6 classes.
private func randomWeights(seed: UInt64, h: Int = 20) -> [String: Tensor] {
    var state = seed
    func tensor(_ shape: [Int], scale: Float = 0.3) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
        return Tensor(shape: shape, scalars: values)
    }
    let (dims, e, f1, f2, k) = ([16, 8], 12, 24, 20, 6)
    var weights: [String: Tensor] = [:]
    for (i, d) in dims.enumerated() {
        weights["head.fc_feature\(i).weight"] = tensor([d, e])
        weights["head.fc_feature\(i).bias"] = tensor([e])
        for suffix in ["", "_reverse"] {
            weights["head.bi_lstm\(i).weight_ih_l0\(suffix)"] = tensor([4 * h, e])
            weights["head.bi_lstm\(i).weight_hh_l0\(suffix)"] = tensor([4 * h, h])
            weights["head.bi_lstm\(i).bias_ih_l0\(suffix)"] = tensor([4 * h])
            weights["head.bi_lstm\(i).bias_hh_l0\(suffix)"] = tensor([4 * h])
        }
        weights["head.att_fc\(i).weight"] = tensor([2 * h, 1], scale: 1)
        weights["head.att_fc\(i).bias"] = tensor([1])
    }
    weights["head.fc_out1.weight"] = tensor([4 * h, f1])
    weights["head.fc_out1.bias"] = tensor([f1])
    weights["head.fc_out2.weight"] = tensor([f1, f2])
    weights["head.fc_out2.bias"] = tensor([f2])
    weights["head.fc_logit.weight"] = tensor([f2, k])
    weights["head.fc_logit.bias"] = tensor([k])
    return weights
}

private func randomBatch(lengths: [Int], seed: UInt64) -> FeatureBatch {
    var state = seed
    func video(_ rows: Int, _ width: Int) -> Tensor {
        Tensor(shape: [rows, width], scalars: (0..<rows * width).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 4 - 2
        })
    }
    return FeatureBatch(rgb: lengths.map { video($0, 16) }, audio: lengths.map { video(max(1, $0 - 3), 8) })
}

@Test(arguments: [false, true]) func inferenceEqualsTheTrainingPathOverSeveralChunks(concurrently: Bool) throws {
    let model = try AttentionLSTM(weights: randomWeights(seed: 3))
    model.concurrentBranches = concurrently
    model.dropoutRate = 0
    let batch = randomBatch(lengths: [300, 257, 1, 130, 2, 77], seed: 9)
    let inference = try model.logits(batch)
    var rng = SystemRandomNumberGenerator()
    let training = model.forwardTraining(batch, rng: &rng)
    #expect(inference.shape == training.shape)
    let worst = maxAbsDifference(inference.scalars, training.scalars)
    #expect(worst.value <= 1e-5, "element \(worst.index): inference \(inference.scalars[worst.index]) training \(training.scalars[worst.index])")
    // Each video alone gives its batched logits, and the inference path after a training pass still does.
    let k = inference.columns
    for video in 0..<batch.count {
        let alone = try model.logits(rgb: batch.rgb[video], audio: batch.audio[video])
        let difference = maxAbsDifference(alone, Array(inference.scalars[video * k..<(video + 1) * k]))
        #expect(difference.value <= 1e-5, "video \(video): off by \(difference.value)")
    }
}

/// Weights re-laid as panels at load give the row-major model's inference logits bit for bit (the same panels, once
/// packed per pass, once in place), whether 4H is a multiple of 16 (H 20: re-laid in place) or not (H 3: padded).
@Test(arguments: [(false, 20), (true, 20), (true, 3)]) func weightsLaidOutAsPanelsGiveTheSameLogits(concurrently: Bool, h: Int) throws {
    var weights = randomWeights(seed: 4, h: h)
    let rowMajor = try AttentionLSTM(weights: weights)
    AttentionLSTM.layOutForInference(&weights)
    #expect(weights["head.bi_lstm0.weight_hh_l0"]?.shape == [(4 * h + 15) / 16, h, 16])
    #expect(weights["head.bi_lstm1.weight_ih_l0_reverse"]?.shape == [(4 * h + 15) / 16, 12, 16])
    let panels = try AttentionLSTM(weights: weights)
    #expect(panels.infersOnly && !rowMajor.infersOnly)
    #expect(panels.sizes == rowMajor.sizes)
    for model in [rowMajor, panels] { model.concurrentBranches = concurrently }
    let batch = randomBatch(lengths: [130, 1, 64, 65, 2], seed: 11)
    #expect(try panels.logits(batch) == rowMajor.logits(batch))
}
