// Tests of .pdparams reading (paddle.save / fluid.save / split / save_combine) and writing, against Paddle's files.
import Foundation
import Testing
import Tensor
@testable import Formats

@Suite struct PdparamsTests {
    @Test(arguments: ["attention_lstm_p2.pdparams", "attention_lstm_p4.pdparams"])
    func readsPaddleSaveWithAliasesFolded(file: String) throws {
        let weights = try loadWeights(Fixtures.url(file))
        let expected = Fixtures.tensors("attention_lstm")
        #expect(weights.format == .pickle)
        #expect(!expected.isEmpty)
        #expect(Set(weights.tensors.keys) == Set(expected.keys))
        for (name, tensor) in expected { #expect(weights.tensors[name] == tensor, "\(name)") }
        #expect(weights.tensors["head.bi_lstm0.weight_ih_l0_reverse"]?.shape == [12, 4])
    }

    @Test func readsFluidSaveAttentionCluster() throws {
        let weights = try loadWeights(Fixtures.url("attention_cluster_fluid.pdparams"))
        let expected = Fixtures.tensors("attention_cluster")
        #expect(weights.tensors.count == 14)
        #expect(weights.tensors == expected)
    }

    @Test func joinsBigParameterSlices() throws {
        let weights = try loadWeights(Fixtures.url("attention_cluster_split.pdparams"))
        #expect(weights.tensors == Fixtures.tensors("attention_cluster"))
        #expect(weights.tensors["fc1.weights"]?.shape == [22, 4])
    }

    @Test func readsSaveCombineGivenNames() throws {
        let section = Fixtures.expected["save_combine"] as? [String: Any] ?? [:]
        let names = (section["names"] as? [String]) ?? []
        let weights = try loadWeights(Fixtures.url("linear.pdiparams"), saveCombineNames: names)
        #expect(weights.format == .saveCombine)
        let tensors = section["tensors"] as? [String: Any] ?? [:]
        for name in names {
            let item = tensors[name] as? [String: Any] ?? [:]
            #expect(weights.tensors[name] == Tensor(shape: Fixtures.ints(item["shape"]), scalars: Fixtures.floats(item["values"])))
        }
        let tooMany = formatError { _ = try loadWeights(Fixtures.url("linear.pdiparams"), saveCombineNames: names + ["extra"]) }
        #expect(tooMany?.reason.contains("fewer tensors") == true)
        let unnamed = formatError { _ = try loadWeights(Fixtures.url("linear.pdiparams")) }
        #expect(unnamed?.errorCode == 65)
    }

    @Test func readsPerParameterDirectory() throws {
        let section = Fixtures.expected["save_combine"] as? [String: Any] ?? [:]
        let combined = try loadWeights(Fixtures.url("linear.pdiparams"), saveCombineNames: (section["names"] as? [String]) ?? [])
        let directory = try loadWeights(Fixtures.url("per_parameter"))
        #expect(directory.format == .saveCombine)
        #expect(directory.tensors == combined.tensors)
        let bad = formatError { _ = try loadWeights(Fixtures.directory.appendingPathComponent("fuzz")) }
        #expect(bad?.errorCode == 65)
    }

    @Test func differingLSTMAliasIsAnError() throws {
        var tensors = Fixtures.tensors("attention_lstm")
        let original = try #require(tensors["head.bi_lstm1.bias_hh_l0"])
        var changed = original
        changed.scalars[0] += 1
        tensors["head.bi_lstm1.0.cell_fw.bias_hh"] = changed
        let data = try PdparamsWriter.encode(tensors, lstmAliases: false)
        let error = formatError { _ = try PaddleStateDict.weights(from: try Unpickler.load(data, path: "x"), path: "x") }
        #expect(error?.reason.contains("head.bi_lstm1.0.cell_fw.bias_hh differs") == true)
    }

    @Test func nonFloatParameterAndNonDictAreNamed() throws {
        let ints = try NumpyArray(dtype: .int32, shape: [1], data: Data([1, 0, 0, 0]), path: "t")
        let intParameter = try PickleWriter.encode(.dict([PickleEntry(.string("fc1.bias"), .array(ints))]))
        let error = formatError { _ = try PaddleStateDict.weights(from: try Unpickler.load(intParameter, path: "x"), path: "x") }
        #expect(error?.reason == "parameter fc1.bias has dtype <i4, not a float type")
        let list = try PickleWriter.encode(.list([]))
        let notDict = formatError { _ = try PaddleStateDict.weights(from: try Unpickler.load(list, path: "x"), path: "x") }
        #expect(notDict?.reason == "a .pdparams pickle must hold a dict, found a list")
    }

    @Test func aliasNamesMapBothWays() {
        #expect(LSTMAliases.canonicalName(of: "head.bi_lstm0.0.cell_bw.weight_hh") == "head.bi_lstm0.weight_hh_l0_reverse")
        #expect(LSTMAliases.alias(of: "head.bi_lstm0.weight_hh_l0_reverse") == "head.bi_lstm0.0.cell_bw.weight_hh")
        #expect(LSTMAliases.alias(of: "head.fc_out1.weight") == nil)
    }

    /// Vigil's writer reproduces the files tools/make_format_fixtures.py checked with paddle.load (byte for byte).
    @Test(arguments: [2, 4])
    func writerMatchesTheFilePaddleLoaded(version: Int) throws {
        let tensors = Fixtures.tensors("attention_lstm")
        let data = try PdparamsWriter.encode(tensors, protocol: version)
        let name = "written_by_vigil_p\(version).pdparams"
        try Fixtures.saveIfAsked(data, as: name)
        #expect(data == (try Data(contentsOf: Fixtures.url(name))))
        let back = try PaddleStateDict.weights(from: try Unpickler.load(data, path: name), path: name)
        #expect(back.tensors == tensors)
        let keys = (try Unpickler.load(data, path: name)).entries?.compactMap { $0.key.text } ?? []
        #expect(Set(keys) == Set((Fixtures.expected["attention_lstm_saved_keys"] as? [String]) ?? []))
    }
}
