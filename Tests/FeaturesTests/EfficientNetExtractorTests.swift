// EfficientNet-Lite0 against PyTorch running the reference network (efficientnet-lite-pytorch 0.1.0) on the same
// weights and frames (tools/make_efficientnet_fixtures.py): features and logits within 1e-4, the same ImageNet top-1
// on real photographs; and the checkpoints it must refuse. Needs the weights: bash scripts/fetch_weights.sh.
import Formats
import Foundation
import Models
import Tensor
import Testing

@testable import Features

@Suite struct EfficientNetExtractorTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/efficientnet")

    /// frames [4, 224, 224, 3] as bytes, features [4, 1280], logits [4, 1000], metadata.
    func reference() throws -> (frames: [[UInt8]], features: Tensor, logits: Tensor, metadata: [String: String]) {
        let (tensors, metadata) = try Safetensors.read(contentsOf: Self.fixtures.appendingPathComponent("reference.safetensors"))
        let pixels = try #require(tensors["frames"]).scalars.map { UInt8($0) }
        let size = 224 * 224 * 3
        let frames = (0..<(pixels.count / size)).map { Array(pixels[($0 * size)..<(($0 + 1) * size)]) }
        return (frames, try #require(tensors["features"]), try #require(tensors["logits"]), metadata)
    }

    func worstDifference(_ ours: [[Float]], _ theirs: Tensor) -> (Float, String) {
        var worst: Float = 0, at = ""
        let d = theirs.columns
        for (n, row) in ours.enumerated() {
            for (i, value) in row.enumerated() where abs(value - theirs.scalars[n * d + i]) > worst {
                worst = abs(value - theirs.scalars[n * d + i])
                at = "frame \(n) element \(i): vigil \(value), PyTorch \(theirs.scalars[n * d + i])"
            }
        }
        return (worst, at)
    }

    @Test func featuresAndLogitsEqualPyTorchs() throws {
        let (frames, features, logits, _) = try reference()
        var pooled = try EfficientNetExtractor(logits: false, batch: 3)  // 4 frames: a batch of 3, then 1
        let ours = try pooled.extractBatch(frames, width: 224, height: 224)
        #expect(pooled.dimension == 1280 && ours.allSatisfy { $0.count == 1280 })
        let (worstFeature, whereFeature) = worstDifference(ours, features)
        #expect(worstFeature <= 1e-4, "\(whereFeature)")
        var classifier = try EfficientNetExtractor(logits: true, batch: 4)
        let ourLogits = try frames.map { try classifier.extract(rgb: $0, width: 224, height: 224, pts: 0) }  // one per call
        let (worstLogit, whereLogit) = worstDifference(ourLogits, logits)
        #expect(worstLogit <= 1e-4, "\(whereLogit)")
        // 4 frames in one pass: split 2 + 2 between the threads when OpenBLAS has 2 or more (Models' forward)
        let batched = try classifier.extractBatch(frames, width: 224, height: 224)
        let (worstBatched, whereBatched) = worstDifference(batched, logits)
        #expect(worstBatched <= 1e-4, "\(whereBatched)")
    }

    @Test func realPhotographsGetPyTorchsTop1() throws {
        let (frames, _, logits, metadata) = try reference()
        let theirs = try JSONSerialization.jsonObject(with: Data((metadata["top1"] ?? "[]").utf8)) as? [Int] ?? []
        #expect(theirs.count == 4)
        var classifier = try EfficientNetExtractor(logits: true)
        let ours = try classifier.extractBatch(frames, width: 224, height: 224).map { row in row.indices.max { row[$0] < row[$1] }! }
        #expect(ours == theirs)
        #expect(Array(ours.prefix(3)) == [450, 967, 285])  // astronaut, coffee (espresso), chelsea (Egyptian cat)
        _ = logits
    }

    @Test func anotherNetworksCheckpointNamesTheMissingKeys() throws {
        let other = Self.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FormatsTests/Fixtures/torch/tiny_legacy.pth")
        do {
            _ = try EfficientNetExtractor(logits: false, weights: other)
            Issue.record("another network's checkpoint was accepted")
        } catch let error as FormatError {
            #expect(error.errorCode == 65)
            #expect(error.reason.contains("_conv_stem.weight"))
            #expect(!error.reason.contains("\n"))
        }
    }

    @Test func missingWeightsNameTheCommandThatFetchesThem() throws {
        #expect(EfficientNetExtractor.locateWeights(executable: URL(fileURLWithPath: "/nonexistent/bin/vigil")) == nil)
        let error = FeaturesError.missingWeights(
            extractor: "efficientnet-lite0", file: EfficientNetExtractor.weightsFile, looked: "/x/models", command: EfficientNetExtractor.fetchCommand)
        #expect(error.errorCode == 66)
        #expect(error.errorDescription?.contains("bash scripts/fetch_weights.sh") == true)
        #expect(try ExtractorChoice(parsing: "efficientnet-lite0") == .efficientNetLite0(logits: false))
        #expect(try ExtractorChoice(parsing: "efficientnet-lite0:logits").description == "efficientnet-lite0:logits")
    }

    @Test func otherFrameSizesAreResizedTo224() throws {
        let (frames, features, _, _) = try reference()
        var extractor = try EfficientNetExtractor(logits: false)
        // A 448×448 copy of frame 1 (each pixel doubled): bilinear resizing back gives the same picture but for
        // interpolation at the edges, so the features stay close to the 224×224 frame's.
        var big = [UInt8](repeating: 0, count: 448 * 448 * 3)
        for y in 0..<448 { for x in 0..<448 { for c in 0..<3 { big[(y * 448 + x) * 3 + c] = frames[1][((y / 2) * 224 + x / 2) * 3 + c] } } }
        let ours = try extractor.extract(rgb: big, width: 448, height: 448, pts: 0)
        let theirs = Array(features.scalars[1280..<2560])
        var dot: Float = 0, ourNorm: Float = 0, theirNorm: Float = 0
        for (a, b) in zip(ours, theirs) {
            dot += a * b
            ourNorm += a * a
            theirNorm += b * b
        }
        let cosine = dot / (ourNorm.squareRoot() * theirNorm.squareRoot())
        #expect(cosine > 0.95)
        #expect(throws: FeaturesError.self) { try extractor.extract(rgb: [1, 2, 3], width: 2, height: 2, pts: 0) }
    }
}
