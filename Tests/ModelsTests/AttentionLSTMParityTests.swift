// AttentionLSTM against PaddlePaddle: logits, loss and gradients from tools/make_parity_fixtures.py.
import Foundation
import Tensor
import Testing

@testable import Models

@Suite struct AttentionLSTMParityTests {
    let fixture: ParityFixture
    init() throws { fixture = try ParityFixture("attention_lstm") }

    @Test func fixtureRecordsItsGenerator() {
        #expect(fixture.manifest.generator == "tools/make_parity_fixtures.py")
        #expect(fixture.manifest.paddle_version == "3.3.1")
    }

    @Test func sizesComeFromTheWeights() throws {
        let model = try AttentionLSTM(weights: fixture.weights)
        #expect(model.sizes == AttentionLSTM.Sizes(featureDims: [16, 8], embeddingSizes: [12, 12], lstmSizes: [10, 10], fcSizes: [24, 20], classes: 6))
    }

    @Test func logitsOfEachVideoMatchPaddle() throws {
        let model = try AttentionLSTM(weights: fixture.weights)
        let expected = fixture.tensor("logits")  // [B, K]
        let batch = fixture.batch
        let k = expected.columns
        for video in 0..<batch.count {  // includes unequal rgb/audio lengths and a 1-frame video
            let logits = try model.logits(rgb: batch.rgb[video], audio: batch.audio[video])
            let paddle = Array(expected.scalars[video * k..<(video + 1) * k])
            let worst = maxAbsDifference(logits, paddle)
            #expect(worst.value <= 1e-4, "video \(video) class \(worst.index): vigil \(logits[worst.index]) paddle \(paddle[worst.index])")
        }
    }

    @Test(arguments: [false, true]) func batchedLogitsMatchPaddle(concurrentBranches: Bool) throws {
        let model = try AttentionLSTM(weights: fixture.weights)
        model.concurrentBranches = concurrentBranches
        let logits = try model.logits(fixture.batch)
        let expected = fixture.tensor("logits")
        #expect(logits.shape == expected.shape)
        let worst = maxAbsDifference(logits.scalars, expected.scalars)
        #expect(worst.value <= 1e-4, "element \(worst.index): vigil \(logits.scalars[worst.index]) paddle \(expected.scalars[worst.index])")
    }

    @Test(arguments: [false, true]) func lossAndGradientsMatchPaddle(concurrentBranches: Bool) throws {
        let model = try AttentionLSTM(weights: fixture.weights)
        model.concurrentBranches = concurrentBranches
        model.dropoutRate = 0
        expectLossAndGradientsMatch(model, fixture)
    }
}

@Test func concurrentBranchesGiveTheSameLogitsBitForBit() throws {
    // The start-up policy only chooses where the branches run; their arithmetic is the same.
    let fixture = try ParityFixture("attention_lstm")
    let sequential = try AttentionLSTM(weights: fixture.weights)
    sequential.concurrentBranches = false
    let concurrent = try AttentionLSTM(weights: fixture.weights)
    concurrent.concurrentBranches = true
    #expect(try sequential.logits(fixture.batch).scalars == concurrent.logits(fixture.batch).scalars)
}

@Test func oneModelInstanceGivesTheSameLogitsAcrossChangingBatchShapes() throws {
    // The workspace grows to the largest shape and is reused: no stale rows may leak between calls.
    let fixture = try ParityFixture("attention_lstm")
    let model = try AttentionLSTM(weights: fixture.weights)
    let batch = fixture.batch
    let expected = fixture.tensor("logits")
    let k = expected.columns
    _ = try model.logits(batch)
    let last = batch.count - 1
    let single = try model.logits(rgb: batch.rgb[last], audio: batch.audio[last])
    #expect(maxAbsDifference(single, Array(expected.scalars[last * k..<(last + 1) * k])).value <= 1e-4)
    let reversed = FeatureBatch(rgb: batch.rgb.reversed(), audio: batch.audio.reversed())
    let logits = try model.logits(reversed)
    for video in 0..<batch.count {
        let row = Array(logits.scalars[(last - video) * k..<(last - video + 1) * k])
        #expect(maxAbsDifference(row, Array(expected.scalars[video * k..<(video + 1) * k])).value <= 1e-4)
    }
}
