// AttentionCluster against PaddlePaddle: logits (inference dropout ×0.5), loss and gradients.
import Foundation
import Tensor
import Testing

@testable import Models

@Suite struct AttentionClusterParityTests {
    let fixture: ParityFixture
    init() throws { fixture = try ParityFixture("attention_cluster") }

    @Test func sizesComeFromTheWeights() throws {
        let model = try AttentionCluster(weights: fixture.weights)
        #expect(model.sizes == AttentionCluster.Sizes(featureDims: [16, 8], clusterCounts: [4, 3], fcSizes: [20, 12], classes: 6))
        #expect(fixture.manifest.paddle_version == "3.3.1")
    }

    @Test func logitsMatchPaddleOneVideoAndBatched() throws {
        let model = try AttentionCluster(weights: fixture.weights)
        let expected = fixture.tensor("logits")
        let batch = fixture.batch  // each video has exactly seg_num frames (nframes == seg_num: every frame sampled once)
        let k = expected.columns
        for video in 0..<batch.count {
            let logits = try model.logits(rgb: batch.rgb[video], audio: batch.audio[video])
            let worst = maxAbsDifference(logits, Array(expected.scalars[video * k..<(video + 1) * k]))
            #expect(worst.value <= 1e-4, "video \(video) class \(worst.index)")
        }
        let batched = try model.logits(batch)
        #expect(maxAbsDifference(batched.scalars, expected.scalars).value <= 1e-4)
    }

    @Test func lossAndGradientsMatchPaddle() throws {
        let model = try AttentionCluster(weights: fixture.weights)
        model.dropoutRate = 0
        let logits = expectLossAndGradientsMatch(model, fixture)
        #expect(maxAbsDifference(logits.scalars, fixture.tensor("train_logits").scalars).value <= 1e-4)
    }
}
