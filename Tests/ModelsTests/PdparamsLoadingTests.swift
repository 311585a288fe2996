// The real .pdparams files PaddlePaddle wrote, read through Formats' loadWeights: every key is consumed by the model.
import Formats
import Foundation
import Testing

@testable import Models

@Test func attentionLSTMPdparamsFromPaddleSaveLoadsWithEveryKeyConsumed() throws {
    let fixture = try ParityFixture("attention_lstm")
    let file = try loadWeights(fixture.directory.appendingPathComponent("weights.pdparams"))
    #expect(ModelKind.of(tensors: file.tensors, metadata: file.metadata) == .attentionLSTM)
    let model = try AttentionLSTM(weights: file.tensors)  // throws naming any unexpected or missing key
    #expect(Set(model.parameters.map(\.name)) == Set(file.tensors.keys))
    let expected = fixture.tensor("logits")
    let logits = try model.logits(fixture.batch)
    #expect(maxAbsDifference(logits.scalars, expected.scalars).value <= 1e-4)
}

@Test func attentionClusterPdparamsAsFluidSaveLoadsWithEveryKeyConsumed() throws {
    let fixture = try ParityFixture("attention_cluster")
    let file = try loadWeights(fixture.directory.appendingPathComponent("weights.pdparams"))
    #expect(ModelKind.of(tensors: file.tensors, metadata: file.metadata) == .attentionCluster)
    let model = try AttentionCluster(weights: file.tensors)
    #expect(Set(model.parameters.map(\.name)) == Set(file.tensors.keys))
    #expect(file.tensors.count == 14)
    let logits = try model.logits(fixture.batch)
    #expect(maxAbsDifference(logits.scalars, fixture.tensor("logits").scalars).value <= 1e-4)
}
