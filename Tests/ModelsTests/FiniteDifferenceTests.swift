// Finite-difference checks of every parameter group's gradient (central differences on the float32 loss).
import Tensor
import Testing

@testable import Models

/// Compares analytic gradients with (L(w+ε) − L(w−ε)) / 2ε at the largest-gradient element of every parameter and
/// at two fixed others.
private func checkGradients(model: some TrainableModel, setDropout: (Float) -> Void, batch: FeatureBatch, labels: Tensor) {
    setDropout(0)
    var rng = SystemRandomNumberGenerator()
    func loss() -> Double {
        let logits = model.forwardTraining(batch, rng: &rng)
        return Double(SigmoidCrossEntropy.loss(logits: logits, labels: labels, reduction: model.lossReduction))
    }
    let logits = model.forwardTraining(batch, rng: &rng)
    model.parameters.forEach { $0.zeroGradient() }
    model.backward(SigmoidCrossEntropy.gradient(logits: logits, labels: labels, reduction: model.lossReduction))
    let epsilon: Float = 1e-2
    for parameter in model.parameters {
        let gradient = parameter.gradient.scalars
        let largest = gradient.indices.max { abs(gradient[$0]) < abs(gradient[$1]) } ?? 0
        for index in Set([largest, gradient.count / 2, gradient.count - 1]) {
            let original = parameter.value.scalars[index]
            parameter.value.scalars[index] = original + epsilon
            let up = loss()
            parameter.value.scalars[index] = original - epsilon
            let down = loss()
            parameter.value.scalars[index] = original
            let numeric = Float((up - down) / Double(2 * epsilon))
            let analytic = gradient[index]
            #expect(abs(numeric - analytic) <= 1e-2 * max(abs(analytic), 0.1),
                    "\(parameter.name)[\(index)]: analytic \(analytic), finite difference \(numeric)")
        }
    }
}

@Test func attentionLSTMGradientsMatchFiniteDifferences() throws {
    let fixture = try ParityFixture("attention_lstm")
    let model = try AttentionLSTM(weights: fixture.weights)
    checkGradients(model: model, setDropout: { model.dropoutRate = $0 }, batch: fixture.batch, labels: fixture.tensor("labels"))
}

@Test func attentionClusterGradientsMatchFiniteDifferences() throws {
    let fixture = try ParityFixture("attention_cluster")
    let model = try AttentionCluster(weights: fixture.weights)
    checkGradients(model: model, setDropout: { model.dropoutRate = $0 }, batch: fixture.batch, labels: fixture.tensor("labels"))
}
