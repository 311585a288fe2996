// An rgb-only model (one modality, PaddleVideo's feature_names: [rgb]) on EfficientNet-Lite0 features, end to end
// through the built binary: extract → label → train → eval → predict → classify → watch. Needs the weights:
// bash scripts/fetch_weights.sh.
import Foundation
import Testing

@Suite(.serialized) struct RGBOnlyModelCLITests {
    /// A folder with two demo clips' EfficientNet features (test_0077: a person crosses = motion; test_0023: quiet),
    /// labelled, a train list, a labels file and an rgb-only pipeline.
    static func prepare() throws -> URL {
        let folder = MediaCLI.scratch.appendingPathComponent("rgb-only-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (clip, labels) in [("test_0023", "[]"), ("test_0077", "[0]")] {
            let out = folder.appendingPathComponent("\(clip).safetensors")
            let result = try MediaCLI.vigil(
                ["extract", "samples/demo/clips/\(clip).mp4", "-o", out.path, "--fps", "1", "--rgb-extractor", "efficientnet-lite0"],
                limit: 240)
            try #require(result.status == 0, "vigil extract \(clip) exited \(result.status): \(result.stderr)")
            try setLabels(labels, in: out)
        }
        try "test_0023.safetensors\ntest_0077.safetensors\n".write(
            to: folder.appendingPathComponent("train.list"), atomically: true, encoding: .utf8)
        try "motion\n".write(to: folder.appendingPathComponent("labels.txt"), atomically: true, encoding: .utf8)
        try """
            model:
              type: attention_cluster
              labels: labels.txt
              feature_dims: [1280]
              cluster_nums: [4]
              fc_sizes: [16, 16]
            sampling: {seg_num: 4, fps: 1}
            extractors: {rgb: efficientnet-lite0, audio: builtin}
            train: {optimizer: adam, learning_rate: 0.01, epochs: 20, batch_size: 2}

            """.write(to: folder.appendingPathComponent("rgb.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// Sets the safetensors `__metadata__` key `labels` (a JSON array of class indices), rewriting only the header.
    static func setLabels(_ labels: String, in url: URL) throws {
        let data = try Data(contentsOf: url)
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        var header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + length)) as? [String: Any])
        var metadata = header["__metadata__"] as? [String: String] ?? [:]
        metadata["labels"] = labels
        header["__metadata__"] = metadata
        var text = try JSONSerialization.data(withJSONObject: header)
        text.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - text.count % 8) % 8))
        var count = UInt64(text.count).littleEndian
        try (Data(bytes: &count, count: 8) + text + data.suffix(from: 8 + length)).write(to: url)
    }

    /// The `motion` score of each JSON line of `stdout` that has a top_k.
    static func motionScores(_ stdout: String) -> [Double] {
        stdout.split(separator: "\n").compactMap { line in
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (json?["top_k"] as? [[String: Any]])?.first { $0["label"] as? String == "motion" }?["score"] as? Double
        }
    }

    @Test func trainsEvaluatesPredictsClassifiesAndWatches() throws {
        let folder = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (config, list) = (folder.appendingPathComponent("rgb.yaml").path, folder.appendingPathComponent("train.list").path)
        let weights = folder.appendingPathComponent("model.safetensors").path

        let train = try MediaCLI.vigil(["train", "--config", config, "--train", list, "--seed", "1", "-o", weights], limit: 120)
        try #require(train.status == 0, "vigil train exited \(train.status): \(train.stderr)")

        let eval = try MediaCLI.vigil(["eval", "--weights", weights, "--config", config, list])
        try #require(eval.status == 0, "vigil eval exited \(eval.status): \(eval.stderr)")
        #expect(eval.stdout.contains("\"videos\":2"))

        let features = ["test_0023", "test_0077"].map { folder.appendingPathComponent("\($0).safetensors").path }
        let predict = try MediaCLI.vigil(["predict", "--weights", weights, "--config", config] + features)
        try #require(predict.status == 0, "vigil predict exited \(predict.status): \(predict.stderr)")
        let predicted = Self.motionScores(predict.stdout)
        try #require(predicted.count == 2, "\(predict.stdout)")
        #expect(predicted[0] < 0.5 && predicted[1] > 0.5, "motion: quiet clip \(predicted[0]), crossing clip \(predicted[1])")

        let classify = try MediaCLI.vigil(
            ["classify", "samples/demo/clips/test_0077.mp4", "--pipeline", config, "--weights", weights], limit: 240)
        try #require(classify.status == 0, "vigil classify exited \(classify.status): \(classify.stderr)")
        let classified = Self.motionScores(classify.stdout)
        #expect(classified.count == 1 && abs(classified[0] - predicted[1]) < 1e-4, "classify \(classified), predict \(predicted[1])")

        let watch = try MediaCLI.vigil(
            ["watch", "samples/demo/clips/test_0077.mp4", "--pipeline", config, "--weights", weights], limit: 240)
        try #require(watch.status == 0, "vigil watch exited \(watch.status): \(watch.stderr)")
        #expect(!Self.motionScores(watch.stdout).isEmpty, "no window scored: \(watch.stdout)")
    }
}
