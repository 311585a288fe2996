// Data lists, segment sampling and settings resolution.
import Models
import Foundation
import Testing
import Training

private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-training-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Test func featureListResolvesPathsAgainstItsFolderAndSkipsComments() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let list = directory.appendingPathComponent("train.list")
    try "# split 1\nfeatures/a.pkl\n\n  /data/b.tfrecord  \n".write(to: list, atomically: true, encoding: .utf8)
    let files = try FeatureList.read(list)
    #expect(files.map(\.path) == [directory.appendingPathComponent("features/a.pkl").path, "/data/b.tfrecord"])
}

@Test func featureListFailuresNameTheListAndExitStatus() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let missing = directory.appendingPathComponent("missing.list")
    #expect(throws: TrainingError.unreadable(path: missing.path, reason: "no such file")) { try FeatureList.read(missing) }
    let empty = directory.appendingPathComponent("empty.list")
    try "# nothing\n".write(to: empty, atomically: true, encoding: .utf8)
    do {
        _ = try FeatureList.read(empty)
        Issue.record("an empty list was accepted")
    } catch let error as TrainingError {
        #expect(error.errorCode == 65)
        #expect(error.errorDescription?.hasPrefix(empty.path) == true)
    }
}

@Test func segmentSamplingIsStratified() {
    let sampling = SegmentSampling(segments: 10)
    #expect(sampling.centreRows(count: 100) == [5, 15, 25, 35, 45, 55, 65, 75, 85, 95])
    #expect(sampling.centreRows(count: 4) == [0, 0, 1, 1, 1, 2, 2, 3, 3, 3])  // ⌊(2k + 1)·4 / 20⌋
    var rng = SplitMix64(seed: 5)
    for _ in 0..<50 {
        let rows = sampling.randomRows(count: 37, using: &rng)
        for (k, row) in rows.enumerated() {
            #expect(row >= Int(Double(k) * 3.7) && row <= min(36, Int(Double(k + 1) * 3.7)), "segment \(k) drew row \(row)")
        }
    }
}

@Test func settingsFallBackToThePublishedRecipes() throws {
    let (lstm, lstmEpochs) = try TrainingSettings().resolved(for: "attention_lstm")
    #expect(lstm.optimizer == .rmsprop && lstm.weightDecay == 4e-4 && lstm.batchSize == 128 && lstmEpochs == 10)
    #expect(lstm.schedule == PiecewiseDecay(boundaries: [5, 8], values: [2.5e-4, 2.5e-5, 2.5e-6]))
    #expect(lstm.sampling == nil)
    var settings = TrainingSettings()
    settings.learningRate = 1e-3
    let scaled = try settings.resolved(for: "attention_lstm").options.schedule
    #expect(scaled.boundaries == [5, 8])
    #expect(zip(scaled.values, [1e-3, 1e-4, 1e-5] as [Float]).allSatisfy { abs($0 - $1) <= 1e-9 })
    let (cluster, clusterEpochs) = try TrainingSettings().resolved(for: "attention_cluster")
    #expect(cluster.optimizer == .adam && cluster.weightDecay == 0 && cluster.batchSize == 256 && clusterEpochs == 5)
    #expect(cluster.schedule == PiecewiseDecay(values: [1e-3]) && cluster.sampling == SegmentSampling(segments: 100))
    settings.optimizer = "sgd"
    #expect(throws: TrainingError.self) { try settings.resolved(for: "attention_cluster") }
}
