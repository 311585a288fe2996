// Predictor: weights + optional config + feature files → per-video results (what `vigil predict` prints).
import Formats
import Media
import Foundation
import Models
import Pipeline
import Tensor
import Testing

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../ModelsTests/Fixtures").standardized

@Test func predictorRunsAttentionLSTMOnEveryFrameOfEachVideo() throws {
    let weights = fixtures.appendingPathComponent("attention_lstm/weights.pdparams")
    let predictor = try Predictor(weights: weights)
    let model = try AttentionLSTM(weights: loadWeights(weights).tensors)
    let records = try readFeatureRecords(fixtures.appendingPathComponent("attention_lstm/features.pkl"))
    #expect(records.map(\.id) == ["v0", "v1", "v2", "v3"])
    for record in records {
        let prediction = try predictor.predict(record, topK: 2, allScores: true)
        let logits = try model.logits(rgb: record.rgb, audio: record.audio)
        #expect(prediction.logits == logits)
        #expect(prediction.model == "attention_lstm")
        let scores = try #require(prediction.scores)
        #expect(prediction.topK.map(\.classIndex) == Array(scores.indices.sorted { scores[$0] > scores[$1] }.prefix(2)))
    }
}

@Test func attentionClusterWithSegNumEqualToNframesReadsEveryFrameOnce() throws {
    let weights = fixtures.appendingPathComponent("attention_cluster/weights.pdparams")
    let records = try readFeatureRecords(fixtures.appendingPathComponent("attention_cluster/features.pkl"))
    let model = try AttentionCluster(weights: loadWeights(weights).tensors)
    for mode in [UniformSampler.Mode.center, .random(seed: 3)] {
        let predictor = try Predictor(weights: weights, segments: 5, mode: mode)  // every video has 5 frames
        for record in records {
            #expect(try predictor.logits(record) == model.logits(rgb: record.rgb, audio: record.audio))
        }
    }
}

@Test func aConfigThatDisagreesWithTheWeightsNamesTheTensor() throws {
    let yaml = "model:\n  type: attention_cluster\n  num_classes: 7\n  cluster_nums: [4, 3]\n"
    let config = try PipelineConfig.parse(yaml: yaml, file: fixtures.appendingPathComponent("x.yaml"))
    let weights = fixtures.appendingPathComponent("attention_cluster/weights.pdparams")
    #expect(throws: PipelineError.usage(
        "config model.num_classes disagrees with the weights: tensor logistic.weights has shape [12, 6], the config implies [12, 7]"
    )) { try Predictor(weights: weights, config: config) }
    let wrongType = try PipelineConfig.parse(yaml: "model:\n  type: attention_lstm\n", file: fixtures.appendingPathComponent("x.yaml"))
    #expect(throws: PipelineError.self) { try Predictor(weights: weights, config: wrongType) }
}

@Test func theSeedPipelinesDescribeThePublishedModels() throws {
    let pipelines = fixtures.appendingPathComponent("../../../pipelines").standardized
    let lstm = try PipelineConfig.load(contentsOf: pipelines.appendingPathComponent("attention_lstm.yaml"))
    #expect(lstm.model.type == .attentionLSTM)
    #expect(lstm.model.fcSizes == [8192, 4096])
    #expect(lstm.train.lrValues == [0.00025, 0.000025, 0.0000025])
    let cluster = try PipelineConfig.load(contentsOf: pipelines.appendingPathComponent("attention_cluster.yaml"))
    #expect(cluster.model.type == .attentionCluster)
    #expect(cluster.model.clusterNums == [32, 32])
    #expect(cluster.sampling.segNum == 100)
}

@Test func anRgbOnlyModelPredictsARecordWithoutAudioAndChecksTheFeatureDimsCount() throws {
    let weights = fixtures.appendingPathComponent("attention_cluster_rgb/weights.pdparams")
    let fixture = try loadWeights(weights)
    let model = try AttentionCluster(weights: fixture.tensors)
    let rgb = Tensor(shape: [7, 20], scalars: (0..<140).map { Float($0 % 11) / 10 - 0.5 })
    let record = FeatureRecord(id: "rgb-only", rgb: rgb, audio: Tensor(zeros: [0, 0]))  // a file without audio
    let predictor = try Predictor(weights: weights, segments: 5, mode: .center)
    let expected = try model.logits(FeatureBatch(streams: [[rgb.gatheringRows(UniformSampler(segments: 5, mode: .center).indices(frameCount: 7))]]))
    #expect(try predictor.logits(record) == expected.scalars)
    let batched = try predictor.logits(batch: [record, record])  // each equals the single pass within float rounding
    #expect(batched.count == 2 && batched.allSatisfy { zip($0, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-5 } })

    let yaml = "model:\n  type: attention_cluster\n  feature_dims: [20, 128]\n"
    let config = try PipelineConfig.parse(yaml: yaml, file: fixtures.appendingPathComponent("x.yaml"))
    #expect(throws: PipelineError.usage("config model.feature_dims has 2 entries, the weights have 1 modalities")) {
        try Predictor(weights: weights, config: config)
    }
}
