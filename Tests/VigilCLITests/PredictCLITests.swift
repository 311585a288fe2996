// `vigil predict` and `vigil convert` as built binaries, on the Paddle parity fixtures (Tests/ModelsTests/Fixtures).
import Foundation
import Testing

private let fixtures = MediaCLI.root.appendingPathComponent("Tests/ModelsTests/Fixtures")

/// Paddle's logits [B, K] recorded by tools/make_parity_fixtures.py, as rows.
private func paddleLogits(_ model: String) throws -> [[Float]] {
    let directory = fixtures.appendingPathComponent(model)
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("manifest.json"))) as? [String: Any]
    let entry = try #require((manifest?["tensors"] as? [String: Any])?["logits"] as? [String: Any])
    let shape = try #require(entry["shape"] as? [Int]), offset = try #require(entry["offset"] as? Int)
    let bytes = try Data(contentsOf: directory.appendingPathComponent("tensors.bin"))
    let floats = (0..<shape[0] * shape[1]).map { i in
        bytes.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: (offset + i) * 4, as: UInt32.self))) }
    }
    return (0..<shape[0]).map { Array(floats[$0 * shape[1]..<($0 + 1) * shape[1]]) }
}

/// The JSON objects of `vigil predict`'s stdout, one per line.
private func lines(_ stdout: String) throws -> [[String: Any]] {
    try stdout.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
}

@Test func predictPrintsPaddlesLogitsForEveryVideo() throws {
    for (model, extra) in [("attention_lstm", [String]()), ("attention_cluster", ["--seg-num", "5"])] {
        let result = try MediaCLI.vigil(
            ["predict", "--weights", "Tests/ModelsTests/Fixtures/\(model)/weights.pdparams", "--all-scores", "--top-k", "3"]
                + extra + ["Tests/ModelsTests/Fixtures/\(model)/features.pkl"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try lines(result.stdout)
        let expected = try paddleLogits(model)
        #expect(objects.count == expected.count)
        for (video, (object, paddle)) in zip(objects, expected).enumerated() {
            #expect(object["video"] as? String == "v\(video)")
            #expect(object["model"] as? String == model)
            let logits = try #require(object["logits"] as? [Double]).map(Float.init)
            #expect(zip(logits, paddle).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(model) video \(video)")
            let top = try #require(object["top_k"] as? [[String: Any]])
            #expect(top.count == 3)
            let best = paddle.indices.max { paddle[$0] < paddle[$1] }
            #expect(top.first?["class"] as? Int == best)
        }
    }
}

@Test func convertRoundTripsThroughSafetensorsWithTheSamePredictions() throws {
    let source = "Tests/ModelsTests/Fixtures/attention_lstm/weights.pdparams"
    let features = "Tests/ModelsTests/Fixtures/attention_lstm/features.pkl"
    let safetensors = MediaCLI.scratch.appendingPathComponent("lstm.safetensors").path
    let pdparams = MediaCLI.scratch.appendingPathComponent("lstm.pdparams").path
    #expect(try MediaCLI.vigil(["convert", source, "-o", safetensors]).status == 0)
    #expect(try MediaCLI.vigil(["convert", safetensors, "-o", pdparams]).status == 0)
    let outputs = try [source, safetensors, pdparams].map { try MediaCLI.vigil(["predict", "--weights", $0, "--all-scores", features]).stdout }
    #expect(!outputs[0].isEmpty)
    #expect(outputs[1] == outputs[0])
    #expect(outputs[2] == outputs[0])
}

@Test func predictAndConvertFailWithOneLineAndTheRightStatus() throws {
    let weights = "Tests/ModelsTests/Fixtures/attention_cluster/weights.pdparams"
    let features = "Tests/ModelsTests/Fixtures/attention_cluster/features.pkl"
    let config = MediaCLI.scratch.appendingPathComponent("wrong-classes.yaml")
    try "model:\n  type: attention_cluster\n  num_classes: 3862\n".write(to: config, atomically: true, encoding: .utf8)
    let cases: [([String], Int32, String)] = [
        (["predict", "--weights", "no-such.pdparams", features], 66, "no-such.pdparams"),
        (["predict", "--weights", features, features], 65, "features.pkl"),
        (["predict", "--weights", weights, "--config", config.path, features], 64, "logistic.weights"),
        (["predict", "--weights", weights, "--top-k", "0", features], 64, "top-k"),
        (["convert", features, "-o", MediaCLI.scratch.appendingPathComponent("x.safetensors").path], 65, "features.pkl"),
    ]
    for (arguments, status, mentioned) in cases {
        let result = try MediaCLI.vigil(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count >= 1 && result.stderr.contains(mentioned), "\(arguments): \(result.stderr)")
    }
}
