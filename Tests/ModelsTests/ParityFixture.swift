// Reads the fixtures tools/make_parity_fixtures.py writes: manifest.json (shapes, offsets) + tensors.bin (float32 LE).
import Foundation
import Testing
import Models
import Tensor

/// One fixture directory made by PaddlePaddle.
struct ParityFixture {
    struct Entry: Decodable {
        let shape: [Int]
        let offset: Int
    }
    struct Manifest: Decodable {
        let generator: String
        let paddle_version: String
        let model: String
        let tensors: [String: Entry]
    }

    let directory: URL
    let manifest: Manifest
    private let floats: [Float]

    /// The fixture `model` ("attention_lstm", "attention_cluster", "attention_lstm_rgb", …) beside this file.
    init(_ model: String, filePath: String = #filePath) throws {
        directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(model)")
        manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        let bytes = try Data(contentsOf: directory.appendingPathComponent("tensors.bin"))
        floats = bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// The tensor recorded under `name`.
    func tensor(_ name: String) -> Tensor {
        guard let entry = manifest.tensors[name] else { fatalError("fixture \(manifest.model) has no tensor \(name)") }
        let count = entry.shape.reduce(1, *)
        return Tensor(shape: entry.shape, scalars: Array(floats[entry.offset..<entry.offset + count]))
    }

    /// Every tensor whose name starts with `prefix`, keyed by the rest of the name.
    func tensors(under prefix: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in manifest.tensors.keys where name.hasPrefix(prefix) {
            result[String(name.dropFirst(prefix.count))] = tensor(name)
        }
        return result
    }

    /// Paddle's weights, keyed by Paddle's parameter names.
    var weights: [String: Tensor] { tensors(under: "weights/") }

    /// The input batch, videos in order, one stream per modality recorded (input/rgb, input/audio, input/modality2…).
    var batch: FeatureBatch {
        let videos = tensors(under: "input/rgb/").count
        let names = ["rgb", "audio", "modality2", "modality3"].filter { manifest.tensors["input/\($0)/0"] != nil }
        return FeatureBatch(streams: names.map { name in (0..<videos).map { tensor("input/\(name)/\($0)") } })
    }
}

/// The largest |a − b|, and where it is.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> (value: Float, index: Int) {
    var worst: (Float, Int) = (0, 0)
    for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= worst.0) { worst = (abs(x - y), i) }
    return worst
}

/// max|a − b| / max(max|b|, 1e-3): the relative error of a whole tensor. The floor matters for gradients that are
/// exactly zero in exact arithmetic (a bias in front of a softmax: att_fc*.bias, satt*.conv.bias), where both sides
/// hold only rounding noise (~1e-8).
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    let scale = b.map(abs).max() ?? 0
    return maxAbsDifference(a, b).value / max(scale, 1e-3)
}

/// Runs `model` in training mode without dropout on the fixture's batch and expects Paddle's loss (1e-4 relative)
/// and every parameter gradient (1e-3 relative per tensor); returns the training logits.
@discardableResult
func expectLossAndGradientsMatch(_ model: some FeatureClassifier, _ fixture: ParityFixture) -> Tensor {
    let labels = fixture.tensor("labels")
    var rng = SystemRandomNumberGenerator()
    let logits = model.forwardTraining(fixture.batch, rng: &rng)
    let loss = SigmoidCrossEntropy.loss(logits: logits, labels: labels, reduction: model.lossReduction)
    let paddleLoss = fixture.tensor("loss").scalars[0]
    #expect(abs(loss - paddleLoss) <= 1e-4 * abs(paddleLoss))
    model.parameters.forEach { $0.zeroGradient() }
    model.backward(SigmoidCrossEntropy.gradient(logits: logits, labels: labels, reduction: model.lossReduction))
    for parameter in model.parameters {
        let error = relativeError(parameter.gradient.scalars, fixture.tensor("grad/\(parameter.name)").scalars)
        #expect(error <= 1e-3, "\(parameter.name): relative error \(error)")
    }
    return logits
}
