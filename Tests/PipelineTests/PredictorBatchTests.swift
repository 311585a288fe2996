// Predictor over batches of videos: each video's logits equal its single-video pass within float rounding, for
// ragged lengths in any order, and a batch with an unusable video still emits the videos before it.
import Formats
import Foundation
import Pipeline
import Tensor
import Testing

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../ModelsTests/Fixtures").standardized

private func worstDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
}

@Test(arguments: ["attention_lstm", "attention_cluster"])
func batchedPredictionsEqualOneVideoAtATime(model: String) throws {
    let predictor = try Predictor(weights: fixtures.appendingPathComponent("\(model)/weights.pdparams"), segments: 3)
    let records = try readFeatureRecords(fixtures.appendingPathComponent("\(model)/features.pkl"))
    // Every video twice, shuffled, so the longest-first packing reorders them and repeats lengths.
    let batch = (records + records.reversed()).enumerated().sorted { ($0.offset * 7) % 8 < ($1.offset * 7) % 8 }.map(\.element)
    let batched = try predictor.logits(batch: batch)
    #expect(batched.count == batch.count)
    for (record, logits) in zip(batch, batched) {
        let single = try predictor.logits(record)
        #expect(logits.count == single.count)
        #expect(worstDifference(logits, single) <= 1e-5, "\(model) \(record.id)")
    }
}

@Test func aBatchWithAnUnusableVideoEmitsTheVideosBeforeItThenItsError() throws {
    let predictor = try Predictor(weights: fixtures.appendingPathComponent("attention_lstm/weights.pdparams"))
    var records = try readFeatureRecords(fixtures.appendingPathComponent("attention_lstm/features.pkl"))
    records.insert(FeatureRecord(id: "empty", rgb: Tensor(shape: [0, 16], scalars: []), audio: records[0].audio), at: 2)
    var emitted: [String] = []
    #expect(throws: (any Error).self) {
        try predictor.predict(batch: records, topK: 1, allScores: false) { emitted.append($0.video) }
    }
    #expect(emitted == ["v0", "v1"])
    var all: [Prediction] = []
    try predictor.predict(batch: Array(records.prefix(2) + records.suffix(2)), topK: 2, allScores: true) { all.append($0) }
    #expect(all.map(\.video) == ["v0", "v1", "v2", "v3"])
    for prediction in all {
        let single = try predictor.predict(records.first { $0.id == prediction.video }!, topK: 2, allScores: true)
        #expect(worstDifference(try #require(prediction.logits), try #require(single.logits)) <= 1e-5)
    }
}
