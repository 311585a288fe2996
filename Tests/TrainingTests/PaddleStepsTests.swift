// End to end against PaddlePaddle: three whole training steps (forward, loss, backward, decay, optimiser) of tiny
// AttentionLSTM and AttentionCluster networks end with the weights Paddle ends with (tools/make_training_fixtures.py).
import Models
import Tensor
import Testing
import Training

struct StepsFixture: Decodable {
    struct Array: Decodable {
        let shape: [Int]
        let values: [Float]
        var tensor: Tensor { Tensor(shape: shape, scalars: values) }
    }
    struct Run: Decodable {
        let initial: [String: Array]
        let rgb: [Array]
        let audio: [Array]
        let labels: Array
        let losses: [Float]
        let after: [[String: Array]]
        let boundaries: [Int]?
        let values: [Float]?
        let weight_decay: Float?
        let learning_rate: Float?
    }
    let attention_lstm: Run
    let attention_cluster: Run
}

/// Runs the fixture's steps and checks each step's loss and, after each step, every tensor within 1e-3 of its
/// largest magnitude. `zeroGradient` names tensors whose gradient is analytically zero (a softmax is invariant to
/// a shared bias); Adam turns their round-off into ±lr steps on both sides, so those only stay within 2·lr·step.
private func checkSteps(
    _ run: StepsFixture.Run, model: any FeatureClassifier, options: TrainingOptions, zeroGradient: Set<String> = []
) {
    let trainer = Trainer(model: model, options: options)
    let batch = FeatureBatch(rgb: run.rgb.map(\.tensor), audio: run.audio.map(\.tensor))
    var rng = SplitMix64(seed: 0)
    for (step, expected) in run.after.enumerated() {
        let loss = trainer.step(batch, labels: run.labels.tensor, learningRate: options.schedule.learningRate(epoch: step), rng: &rng)
        #expect(abs(loss - run.losses[step]) <= 1e-4 * max(1, abs(run.losses[step])), "step \(step) loss \(loss) vs \(run.losses[step])")
        for parameter in model.parameters {
            guard let reference = expected[parameter.name] else {
                Issue.record("Paddle has no tensor \(parameter.name)")
                continue
            }
            let scale = reference.values.map(abs).max() ?? 1
            let worst = zip(parameter.value.scalars, reference.values).map { abs($0 - $1) }.max() ?? 0
            let bound = zeroGradient.contains(parameter.name) ? 2 * options.schedule.learningRate(epoch: 0) * Float(step + 1) : 1e-3 * scale
            #expect(worst <= bound, "step \(step) \(parameter.name): largest difference \(worst), bound \(bound)")
        }
    }
}

@Test func attentionLSTMStepsMatchPaddle() throws {
    let fixture = try Fixture.load("steps.json", as: StepsFixture.self)
    let run = fixture.attention_lstm
    let model = try AttentionLSTM(weights: run.initial.mapValues(\.tensor))
    model.dropoutRate = 0
    let options = TrainingOptions(
        optimizer: .rmsprop, schedule: PiecewiseDecay(boundaries: run.boundaries ?? [], values: run.values ?? []),
        weightDecay: run.weight_decay ?? 0, batchSize: 3)
    checkSteps(run, model: model, options: options)
}

@Test func attentionClusterStepsMatchPaddle() throws {
    let fixture = try Fixture.load("steps.json", as: StepsFixture.self)
    let run = fixture.attention_cluster
    let model = try AttentionCluster(weights: run.initial.mapValues(\.tensor))
    model.dropoutRate = 0
    let options = TrainingOptions(optimizer: .adam, schedule: PiecewiseDecay(values: [run.learning_rate ?? 0]), batchSize: 3)
    checkSteps(run, model: model, options: options, zeroGradient: ["satt0.conv.bias", "satt1.conv.bias"])
}
