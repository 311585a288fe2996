// The epoch loop as `vigil train` runs it: real feature files on disk, checkpoints, interruption, resume, eval.
import Formats
import Foundation
import Models
import Tensor
import Testing
import Training

/// Writes `data` as one `.safetensors` feature file per video plus a list naming them (relative paths).
private func writeList(_ data: FeatureDataset, named name: String, in directory: URL) throws -> URL {
    let folder = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var lines: [String] = []
    for video in data.videos {
        try writeFeatureRecords([video], to: folder.appendingPathComponent("\(video.id).safetensors"))
        lines.append("\(name)/\(video.id).safetensors")
    }
    let list = directory.appendingPathComponent("\(name).list")
    try lines.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
    return list
}

@Test func sessionCheckpointsResumesAndEvaluates() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-session-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let train = try FeatureDataset.load(list: writeList(SyntheticEvents.dataset(count: 48, seed: 1), named: "train", in: directory))
    let valid = try FeatureDataset.load(list: writeList(SyntheticEvents.dataset(count: 24, seed: 2), named: "valid", in: directory))
    #expect(train.videos.count == 48 && valid.videos.count == 24)

    let blueprint = ModelBlueprint(
        type: "attention_cluster", classes: SyntheticEvents.classes,
        featureDims: [SyntheticEvents.rgbWidth, SyntheticEvents.audioWidth], fcSizes: [16, 16], clusterNums: [3, 3])
    var settings = TrainingSettings()
    (settings.epochs, settings.batchSize, settings.segments, settings.seed, settings.dropRate) = (3, 8, 12, 4, 0.25)
    let output = directory.appendingPathComponent("model.safetensors")
    let labels = LabelMap(names: ["a", "b", "c", "d"])
    func session(resume: URL?) throws -> TrainingSession {
        try TrainingInputs.session(
            blueprint: blueprint, settings: settings, labels: labels, train: train, valid: valid, output: output, resume: resume)
    }

    // Interrupted after two batches of epoch 0: only the latest checkpoint exists, with no epoch completed.
    var batches = 0
    let interrupted = try session(resume: nil).run(
        progress: { _, _, _ in batches += 1 }, report: { _ in Issue.record("no epoch should finish") }, shouldStop: { batches >= 2 })
    #expect(!interrupted)
    let latest = Checkpoint.latestURL(for: output)
    #expect(latest.lastPathComponent == "model.last.safetensors")
    #expect(!FileManager.default.fileExists(atPath: output.path))
    #expect(try CheckpointMetadata(loadWeights(latest), path: latest.path)?.epochsCompleted == 0)

    // Resumed: runs the three epochs, reports each, keeps the best by validation Hit@1.
    var reports: [EpochReport] = []
    #expect(try session(resume: latest).run(progress: { _, _, _ in }, report: { reports.append($0) }, shouldStop: { false }))
    #expect(reports.map(\.epoch) == [0, 1, 2])
    let saved = try loadWeights(output)
    let metadata = try #require(try CheckpointMetadata(saved, path: output.path))
    #expect(ModelKind.of(tensors: saved.tensors, metadata: saved.metadata) == .attentionCluster)
    #expect(metadata.blueprint == blueprint && metadata.labels == labels && metadata.segments == 12 && metadata.dropRate == 0.25)
    let best = try #require(reports.filter(\.best).last)
    #expect(metadata.bestHitAtOne == best.hitAtOne && metadata.epochsCompleted == best.epoch + 1)
    #expect(try CheckpointMetadata(loadWeights(latest), path: latest.path)?.epochsCompleted == 3)

    // The best weights measure what that epoch's validation reported (seg_num and the ×(1−0.25) inference scale
    // come from the checkpoint).
    let evaluator = try TrainingInputs.evaluator(weights: output, modelType: nil, segments: nil)
    let (metrics, loss) = try evaluator.evaluate(valid, batchSize: 64)
    #expect(metrics.hitAtOne == best.hitAtOne && metrics.gap == best.gap && metrics.videos == 24)
    #expect(abs(loss - (best.validLoss ?? 0)) < 1e-4)

    // A finished run resumed with the same epoch count has nothing left to do.
    #expect(try session(resume: latest).run(progress: { _, _, _ in }, report: { _ in Issue.record("nothing to run") }, shouldStop: { false }))
}

@Test func sessionRejectsAMissingOutputFolderAndForeignLabels() throws {
    let blueprint = ModelBlueprint(type: "attention_lstm", classes: 3, featureDims: [16, 8], fcSizes: [8, 8], embeddingSize: 4, lstmSize: 4)
    let data = SyntheticEvents.dataset(count: 8, seed: 1)
    #expect(throws: TrainingError.self) {
        try TrainingInputs.session(
            blueprint: blueprint, settings: TrainingSettings(), labels: nil, train: data, valid: nil,
            output: URL(fileURLWithPath: "/nonexistent-folder/model.safetensors"), resume: nil)
    }
    do {  // SyntheticEvents has 4 classes; label 3 is outside 0..<3
        _ = try TrainingInputs.session(
            blueprint: blueprint, settings: TrainingSettings(), labels: nil, train: data, valid: nil,
            output: FileManager.default.temporaryDirectory.appendingPathComponent("unused.safetensors"), resume: nil)
        Issue.record("a label outside the classes was accepted")
    } catch let error as TrainingError {
        #expect(error.errorCode == 65)
        #expect(error.errorDescription?.contains("label 3 is outside 0..<3") == true)
    }
}

@Test func resumingAtAnEpochBoundaryReproducesTheUninterruptedRun() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = SyntheticEvents.dataset(count: 24, seed: 1)
    let blueprint = ModelBlueprint(
        type: "attention_lstm", classes: SyntheticEvents.classes,
        featureDims: [SyntheticEvents.rgbWidth, SyntheticEvents.audioWidth], fcSizes: [8, 8], embeddingSize: 6, lstmSize: 5)
    var settings = TrainingSettings()
    (settings.batchSize, settings.seed, settings.rates) = (8, 5, [1e-3])
    func train(epochs: Int, output: URL, resume: URL?) throws {
        settings.epochs = epochs
        let session = try TrainingInputs.session(
            blueprint: blueprint, settings: settings, labels: nil, train: data, valid: nil, output: output, resume: resume)
        #expect(try session.run(progress: { _, _, _ in }, report: { _ in }, shouldStop: { false }))
    }
    let straight = directory.appendingPathComponent("straight.safetensors")
    try train(epochs: 2, output: straight, resume: nil)
    let resumed = directory.appendingPathComponent("resumed.safetensors")
    try train(epochs: 1, output: resumed, resume: nil)
    let latest = Checkpoint.latestURL(for: resumed)
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("resumed.last.optimizer.safetensors").path))
    try train(epochs: 2, output: resumed, resume: latest)
    // Same shuffles, dropout masks and optimiser moments: bit-identical weights.
    #expect(try loadWeights(straight).tensors == loadWeights(resumed).tensors)
}

@Test func averagingFromAnEpochWritesTheMeanOfThoseEpochsAndResumesIt() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-average-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = SyntheticEvents.dataset(count: 24, seed: 1)
    let valid = SyntheticEvents.dataset(count: 12, seed: 2)
    let blueprint = ModelBlueprint(
        type: "attention_cluster", classes: SyntheticEvents.classes,
        featureDims: [SyntheticEvents.rgbWidth, SyntheticEvents.audioWidth], fcSizes: [8, 8], clusterNums: [2, 2])
    var settings = TrainingSettings()
    (settings.batchSize, settings.segments, settings.seed, settings.averageFrom) = (8, 12, 5, 2)
    func train(epochs: Int, output: URL, resume: URL? = nil) throws -> [EpochReport] {
        settings.epochs = epochs
        let session = try TrainingInputs.session(
            blueprint: blueprint, settings: settings, labels: nil, train: data, valid: valid, output: output, resume: resume)
        var reports: [EpochReport] = []
        #expect(try session.run(progress: { _, _, _ in }, report: { reports.append($0) }, shouldStop: { false }))
        return reports
    }
    // Each epoch's own weights, from runs of 1, 2 and 3 epochs (the same seed gives the same epochs).
    var epochWeights: [[String: Tensor]] = []
    for epochs in 1...3 {
        let output = directory.appendingPathComponent("epochs\(epochs).safetensors")
        _ = try train(epochs: epochs, output: output)
        epochWeights.append(try loadWeights(Checkpoint.latestURL(for: output)).tensors)
    }
    let output = directory.appendingPathComponent("averaged.safetensors")
    let reports = try train(epochs: 3, output: output)
    #expect(reports.map(\.averagedEpochs) == [nil, 1, 2])
    // The average of epochs 2 and 3 is what the running mean left beside the latest checkpoint, to Float rounding.
    let average = try loadWeights(Checkpoint.averageURL(beside: Checkpoint.latestURL(for: output))).tensors
    #expect(Checkpoint.averageURL(beside: Checkpoint.latestURL(for: output)).lastPathComponent == "averaged.last.average.safetensors")
    for (name, mean) in average {
        let a = try #require(epochWeights[1][name]), b = try #require(epochWeights[2][name])
        #expect(zip(mean.scalars, zip(a.scalars, b.scalars)).allSatisfy { abs($0 - ($1.0 + $1.1) / 2) <= 1e-6 * (1 + abs($0)) })
    }
    // The validation of epoch 3 measured that average, and OUT holds it when it was the best.
    let evaluator = try TrainingInputs.evaluator(
        weights: Checkpoint.averageURL(beside: Checkpoint.latestURL(for: output)), modelType: nil, segments: nil)
    let (metrics, loss) = try evaluator.evaluate(valid, batchSize: 64)
    #expect(metrics.hitAtOne == reports[2].hitAtOne && abs(loss - (reports[2].validLoss ?? 0)) < 1e-4)
    // A run stopped after epoch 2 and resumed picks the average up: the same file after epoch 3.
    let resumed = directory.appendingPathComponent("resumed.safetensors")
    _ = try train(epochs: 2, output: resumed)
    _ = try train(epochs: 3, output: resumed, resume: Checkpoint.latestURL(for: resumed))
    #expect(try loadWeights(Checkpoint.averageURL(beside: Checkpoint.latestURL(for: resumed))).tensors == average)
    // Without the average beside it, a resume past average_from is refused rather than restarting the mean.
    try FileManager.default.removeItem(at: Checkpoint.averageURL(beside: Checkpoint.latestURL(for: resumed)))
    #expect(throws: TrainingError.self) { _ = try train(epochs: 4, output: resumed, resume: Checkpoint.latestURL(for: resumed)) }
}
