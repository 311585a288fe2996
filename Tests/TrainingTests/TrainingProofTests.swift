// Proof that training works end to end: each model learns SyntheticEvents to ≥ 0.95 validation Hit@1 within the
// number of epochs documented in docs/training.md, with a fixed seed.
import Models
import Testing
import Training

private func trainToAccuracy(_ blueprint: ModelBlueprint, _ options: TrainingOptions, epochs: Int) throws -> [Double] {
    var rng = SplitMix64(seed: 7)
    let model = try blueprint.makeModel(weights: blueprint.initialWeights(using: &rng))
    let trainer = Trainer(model: model, options: options)
    let train = SyntheticEvents.dataset(count: 160, seed: 1), valid = SyntheticEvents.dataset(count: 80, seed: 2)
    var history: [Double] = []
    for epoch in 0..<epochs {
        _ = trainer.trainEpoch(train, epoch: epoch)
        history.append(try trainer.evaluator.evaluate(valid, batchSize: 32).metrics.hitAtOne)
    }
    return history
}

@Test func attentionLSTMLearnsSyntheticEvents() throws {
    let blueprint = ModelBlueprint(
        type: "attention_lstm", classes: SyntheticEvents.classes,
        featureDims: [SyntheticEvents.rgbWidth, SyntheticEvents.audioWidth], fcSizes: [32, 32], embeddingSize: 16,
        lstmSize: 16)
    let options = TrainingOptions(
        optimizer: .rmsprop, schedule: PiecewiseDecay(values: [2e-3]), weightDecay: 4e-4, batchSize: 16, seed: 3)
    let history = try trainToAccuracy(blueprint, options, epochs: 8)
    print("AttentionLSTM validation Hit@1 per epoch:", history)
    #expect((history.last ?? 0) >= 0.95, "validation Hit@1 per epoch: \(history)")
}

@Test func attentionClusterLearnsSyntheticEvents() throws {
    let blueprint = ModelBlueprint(
        type: "attention_cluster", classes: SyntheticEvents.classes,
        featureDims: [SyntheticEvents.rgbWidth, SyntheticEvents.audioWidth], fcSizes: [32, 32], clusterNums: [4, 4])
    let options = TrainingOptions(
        optimizer: .adam, schedule: PiecewiseDecay(values: [1e-3]), batchSize: 16,
        sampling: SegmentSampling(segments: 12), seed: 3)
    let history = try trainToAccuracy(blueprint, options, epochs: 8)
    print("AttentionCluster validation Hit@1 per epoch:", history)
    #expect((history.last ?? 0) >= 0.95, "validation Hit@1 per epoch: \(history)")
}
