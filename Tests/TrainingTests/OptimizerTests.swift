// Optimisers against PaddlePaddle's own Adam and centered RMSProp (tools/make_training_fixtures.py).
import Testing
@testable import Training

struct OptimizerFixture: Decodable {
    struct Run: Decodable {
        let gradients: [[String: [Float]]]
        let after: [[String: [Float]]]
        let boundaries: [Int]?
        let values: [Float]?
        let weight_decay: Float?
        let learning_rate: Float?
    }
    let initial: [String: [Float]]
    let decays: [String: Bool]
    let adam: Run
    let rmsprop: Run
}

/// Runs `optimizer` over the fixture's steps and returns the largest relative difference from Paddle's values.
private func largestDifference(_ optimizer: any Optimizer, _ fixture: OptimizerFixture, _ run: OptimizerFixture.Run,
                               schedule: PiecewiseDecay, decay: Float) -> Float {
    let names = ["w", "b"]
    var values = names.map { fixture.initial[$0] ?? [] }
    var worst: Float = 0
    for (step, gradients) in run.gradients.enumerated() {
        for (slot, name) in names.enumerated() {
            var gradient = gradients[name] ?? []
            let coefficient = fixture.decays[name] == true ? decay : 0
            optimizer.apply(slot: slot, value: &values[slot], gradient: &gradient, weightDecay: coefficient,
                            learningRate: schedule.learningRate(epoch: step))
        }
        optimizer.finishStep()
        for (slot, name) in names.enumerated() {
            for (mine, theirs) in zip(values[slot], run.after[step][name] ?? []) {
                worst = max(worst, abs(mine - theirs) / max(abs(theirs), 1e-6))
            }
        }
    }
    return worst
}

@Test func adamMatchesPaddle() throws {
    let fixture = try Fixture.load("optimizers.json", as: OptimizerFixture.self)
    let schedule = PiecewiseDecay(values: [fixture.adam.learning_rate ?? 0])
    let difference = largestDifference(Adam(), fixture, fixture.adam, schedule: schedule, decay: 0)
    #expect(difference < 1e-6, "largest relative difference \(difference)")
}

@Test func centeredRMSPropWithDecayAndScheduleMatchesPaddle() throws {
    let fixture = try Fixture.load("optimizers.json", as: OptimizerFixture.self)
    let run = fixture.rmsprop
    let schedule = PiecewiseDecay(boundaries: run.boundaries ?? [], values: run.values ?? [])
    let difference = largestDifference(CenteredRMSProp(), fixture, run, schedule: schedule, decay: run.weight_decay ?? 0)
    #expect(difference < 1e-6, "largest relative difference \(difference)")
}

@Test func piecewiseDecayFollowsPaddleVideoEpochs() {
    let schedule = PiecewiseDecay(boundaries: [5, 8], values: [2.5e-4, 2.5e-5, 2.5e-6])
    #expect((0..<10).map(schedule.learningRate(epoch:)) == [Float](repeating: 2.5e-4, count: 5) + [2.5e-5, 2.5e-5, 2.5e-5, 2.5e-6, 2.5e-6])
}
