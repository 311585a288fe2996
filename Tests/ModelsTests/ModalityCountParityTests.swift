// Models of one and three modalities (PaddleVideo's feature_names / feature_dims) against PaddlePaddle: sizes read
// from the weights, logits one video at a time and batched, loss and every gradient; the real .pdparams files load
// with every key consumed. Fixtures: attention_{lstm,cluster}_{rgb,3} from tools/make_parity_fixtures.py.
import Formats
import Foundation
import Tensor
import Testing

@testable import Models

@Suite struct ModalityCountParityTests {
    @Test(arguments: ["attention_lstm_rgb", "attention_lstm_3", "attention_cluster_rgb", "attention_cluster_3"])
    func logitsLossAndGradientsMatchPaddle(_ name: String) throws {
        let fixture = try ParityFixture(name)
        #expect(fixture.manifest.paddle_version == "3.3.1")
        let file = try loadWeights(fixture.directory.appendingPathComponent("weights.pdparams"))
        let kind = try #require(ModelKind.of(tensors: file.tensors, metadata: file.metadata))
        let model = try kind.make(weights: file.tensors)  // throws naming any unexpected or missing key
        #expect(Set(model.parameters.map(\.name)) == Set(file.tensors.keys))
        let batch = fixture.batch
        #expect(model.featureWidths == batch.streams.map { $0[0].columns })
        #expect(kind.modalities(in: file.tensors) == batch.streams.count)

        let expected = fixture.tensor("logits")
        let k = expected.columns
        for video in 0..<batch.count {
            let logits = try model.logits(streams: batch.streams.map { $0[video] })
            let worst = maxAbsDifference(logits, Array(expected.scalars[video * k..<(video + 1) * k]))
            #expect(worst.value <= 1e-4, "\(name) video \(video) class \(worst.index)")
        }
        #expect(maxAbsDifference(try model.logits(batch).scalars, expected.scalars).value <= 1e-4)

        var trained = model
        trained.dropoutRate = 0
        expectLossAndGradientsMatch(trained, fixture)
    }

    @Test func sizesComeFromTheWeights() throws {
        let lstm = try AttentionLSTM(weights: ParityFixture("attention_lstm_3").weights)
        #expect(lstm.sizes == AttentionLSTM.Sizes(featureDims: [16, 8, 6], embeddingSizes: [12, 12, 12], lstmSizes: [10, 10, 10], fcSizes: [24, 20], classes: 5))
        let cluster = try AttentionCluster(weights: ParityFixture("attention_cluster_rgb").weights)
        #expect(cluster.sizes == AttentionCluster.Sizes(featureDims: [20], clusterCounts: [4], fcSizes: [20, 12], classes: 5))
    }

    @Test func aOneModalityModelReadsOnlyTheFirstStream() throws {
        // A two-stream batch (rgb and audio, as feature files and extractors give it) fed to an rgb-only model: the
        // audio stream is ignored, so the logits are Paddle's rgb-only logits.
        let fixture = try ParityFixture("attention_lstm_rgb")
        let model = try AttentionLSTM(weights: fixture.weights)
        let rgb = fixture.batch.rgb
        let audio = rgb.map { _ in Tensor(zeros: [3, 7]) }
        let logits = try model.logits(FeatureBatch(rgb: rgb, audio: audio))
        #expect(maxAbsDifference(logits.scalars, fixture.tensor("logits").scalars).value <= 1e-4)
    }

    @Test func aBatchWithTooFewStreamsFailsNamingTheModality() throws {
        let fixture = try ParityFixture("attention_cluster_3")
        let model = try AttentionCluster(weights: fixture.weights)
        let batch = FeatureBatch(streams: Array(fixture.batch.streams.prefix(2)))
        #expect(throws: ModelError.self) { try model.logits(batch) }
        var streams = fixture.batch.streams
        streams[2][1] = Tensor(zeros: [5, 4])
        do {
            _ = try model.logits(FeatureBatch(streams: streams))
            Issue.record("a misshapen third stream was accepted")
        } catch {
            #expect("\(error)".contains("video 1: modality 2 features have shape [5, 4], expected [T, 6]"))
        }
    }

    @Test func aMissingBranchKeyIsNamed() throws {
        var weights = try ParityFixture("attention_lstm_3").weights
        weights["head.att_fc2.bias"] = nil
        #expect(throws: ModelError.self) { try AttentionLSTM(weights: weights) }
        weights = try ParityFixture("attention_lstm_3").weights
        weights["head.fc_feature1.weight"] = nil  // branch 1 gone: branches 1 and 2's other keys are unexpected
        do {
            _ = try AttentionLSTM(weights: weights)
            Issue.record("a state dict missing branch 1 was accepted")
        } catch {
            #expect("\(error)".contains("fc_feature1") || "\(error)".contains("bi_lstm1") || "\(error)".contains("unexpected"))
        }
    }

    @Test func blueprintsOfOneAndThreeModalitiesBuildTheirModels() throws {
        var rng = SystemRandomNumberGenerator()
        let lstm = ModelBlueprint(type: "attention_lstm", classes: 3, featureDims: [9], fcSizes: [6, 5], embeddingSize: 4, lstmSize: 3)
        try lstm.validate()
        let one = try lstm.makeModel(weights: lstm.initialWeights(using: &rng))
        #expect(one.featureWidths == [9])
        let cluster = ModelBlueprint(type: "attention_cluster", classes: 3, featureDims: [9, 5, 4], fcSizes: [6, 5], clusterNums: [2, 2, 3])
        try cluster.validate()
        let three = try cluster.makeModel(weights: cluster.initialWeights(using: &rng))
        #expect(three.featureWidths == [9, 5, 4])
        #expect(try three.logits(streams: [Tensor(zeros: [4, 9]), Tensor(zeros: [4, 5]), Tensor(zeros: [4, 4])]).count == 3)
        let mismatched = ModelBlueprint(type: "attention_cluster", classes: 3, featureDims: [9], clusterNums: [2, 2])
        #expect(throws: ModelError.self) { try mismatched.validate() }
    }
}
