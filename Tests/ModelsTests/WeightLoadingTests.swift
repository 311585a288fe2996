// Building models from state dicts: Paddle's aliases and extras are accepted, anything else is named in the error.
import Tensor
import Testing

@testable import Models

@Test func attentionLSTMAcceptsPaddleLSTMAliasesAndTheStructuredNameKey() throws {
    var weights = try ParityFixture("attention_lstm").weights
    // paddle.save writes each LSTM tensor twice (…_l0 and …0.cell_fw…) plus StructuredToParameterName@@.
    weights["head.bi_lstm0.0.cell_fw.weight_ih"] = weights["head.bi_lstm0.weight_ih_l0"]
    weights["head.bi_lstm1.0.cell_bw.bias_hh"] = weights.removeValue(forKey: "head.bi_lstm1.bias_hh_l0_reverse")
    weights["StructuredToParameterName@@"] = Tensor(shape: [1], scalars: [0])
    let model = try AttentionLSTM(weights: weights)
    #expect(model.parameters.count == 30)
    #expect(model.parameters.filter { !$0.decays }.map(\.name) == ["head.fc_out1.bias", "head.fc_out2.bias", "head.fc_logit.bias"])
}

@Test func loadingNamesMissingUnexpectedAndMisshapenKeys() throws {
    var weights = try ParityFixture("attention_lstm").weights
    weights.removeValue(forKey: "head.fc_out2.bias")
    #expect(throws: ModelError.missingKeys(model: "AttentionLSTM", keys: ["head.fc_out2.bias"])) { try AttentionLSTM(weights: weights) }

    var cluster = try ParityFixture("attention_cluster").weights
    cluster["satt3.conv.weight"] = Tensor(zeros: [1])  // not a branch: satt2 is absent
    #expect(throws: ModelError.unexpectedKeys(model: "AttentionCluster", keys: ["satt3.conv.weight"])) { try AttentionCluster(weights: cluster) }
    cluster.removeValue(forKey: "satt3.conv.weight")
    cluster["satt2.conv.weight"] = Tensor(zeros: [1])  // a third branch begun but not finished
    #expect(throws: ModelError.missingKeys(model: "AttentionCluster", keys: ["satt2.conv.bias", "satt2.shift_w", "satt2.shift_b"])) {
        try AttentionCluster(weights: cluster)
    }

    cluster.removeValue(forKey: "satt2.conv.weight")
    cluster["fc2.weights"] = Tensor(zeros: [21, 12])
    #expect(throws: ModelError.shapeMismatch(key: "fc2.weights", expected: [20, 12], actual: [21, 12])) { try AttentionCluster(weights: cluster) }
}

@Test func inputsOfTheWrongWidthOrWithoutFramesAreErrors() throws {
    let model = try AttentionLSTM(weights: ParityFixture("attention_lstm").weights)
    #expect(throws: ModelError.self) { try model.logits(rgb: Tensor(zeros: [3, 15]), audio: Tensor(zeros: [3, 8])) }
    #expect(throws: ModelError.self) { try model.logits(rgb: Tensor(zeros: [3, 16]), audio: Tensor(zeros: [0, 8])) }
    let error = ModelError.badInput("video 0: audio features have 0 rows, need at least 1")
    #expect(error.errorCode == 65)
}
