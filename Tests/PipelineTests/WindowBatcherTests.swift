// WindowBatcher: windows of several cameras through one forward pass give each camera the scores of its window
// classified alone (within float rounding), also when many camera threads hand windows in at once.
import Formats
import Foundation
import Stream
import Tensor
import Testing

@testable import Pipeline

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../ModelsTests/Fixtures").standardized

/// Windows of the fixture's videos, cut to several lengths (ragged: AttentionLSTM packs them, AttentionCluster
/// repeats rows of the short ones), each rgb window with its audio window.
private func windows(_ model: String) throws -> [(rgb: RollingWindow, audio: RollingWindow)] {
    let records = try readFeatureRecords(fixtures.appendingPathComponent("\(model)/features.pkl"))
    func window(_ tensor: Tensor, rows: Int) throws -> RollingWindow {
        let width = tensor.shape[1]
        var window = RollingWindow(windowSeconds: 1000, capacity: rows, dimension: width)
        for row in 0..<rows {
            try window.append(TimedFeatures(pts: Double(row), vector: Array(tensor.scalars[row * width..<(row + 1) * width])))
        }
        return window
    }
    var cut: [(RollingWindow, RollingWindow)] = []
    for record in records {
        let rows = min(record.rgb.shape[0], record.audio.shape[0])
        for length in Set([rows, max(1, rows - 1), max(1, rows / 2)]).sorted() {
            cut.append((try window(record.rgb, rows: length), try window(record.audio, rows: length)))
        }
    }
    return cut
}

private func batcher(_ model: String, batchSize: Int) throws -> WindowBatcher {
    let weights = try CheckedWeights(fixtures.appendingPathComponent("\(model)/weights.pdparams"), model: nil)
    let shared = WatchModel(kind: weights.type, segNum: 3, weights: weights.file.tensors, labels: [])
    return WindowBatcher(classifiers: [try shared.instance(), try shared.instance()], batchSize: batchSize)
}

private func worstDifference(_ a: [Float], _ b: [Float]) -> Float {
    a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
}

@Test(arguments: ["attention_lstm", "attention_cluster"])
func aBatchScoresEachWindowAsItsSinglePass(model: String) throws {
    let batcher = try batcher(model, batchSize: 16)
    let cut = try windows(model)
    #expect(cut.count >= 6)
    let batched = batcher.scores(batch: cut.map { ($0.rgb.tensor(), $0.audio.tensor()) })
    for ((rgb, audio), result) in zip(cut, batched) {
        let single = try batcher.classifier.scores(rgb: rgb, audio: audio)
        let scores = try result.get()
        #expect(scores.frames == single.frames)
        #expect(worstDifference(scores.scores, single.scores) <= 1e-5, "\(model), \(rgb.count) rows")
    }
}

@Test(arguments: ["attention_lstm", "attention_cluster"])
func cameraThreadsHandingWindowsInAtOnceEachGetTheirOwnScores(model: String) throws {
    let batcher = try batcher(model, batchSize: 4)
    let cut = try windows(model)
    let expected = try cut.map { try batcher.classifier.scores(rgb: $0.rgb, audio: $0.audio) }
    let rounds = 5
    let tally = Tally(windows: cut, expected: expected)
    DispatchQueue.concurrentPerform(iterations: cut.count) { camera in
        for _ in 0..<rounds {  // a camera hands its next window in once it has the scores of the last one
            let window = tally.windows[camera]
            tally.record(camera, try? batcher.scores(rgb: window.rgb, audio: window.audio))
        }
    }
    let (worst, wrongFrames) = tally.totals
    #expect(worst <= 1e-5)
    #expect(wrongFrames == 0)
    let statistics = batcher.statistics
    #expect(statistics.windows == cut.count * rounds)
    #expect(statistics.largest <= 4 && statistics.batches >= statistics.windows / 4)
}

@Test func aWindowTheModelCannotReadFailsAloneAndTheOthersInItsBatchAreScored() throws {
    let batcher = try batcher("attention_cluster", batchSize: 8)
    let cut = try windows("attention_cluster")
    let wrongWidth = Tensor(shape: [3, 7], scalars: Array(repeating: 0.5, count: 21))
    let batch = [(cut[0].rgb.tensor(), cut[0].audio.tensor()), (wrongWidth, cut[1].audio.tensor())]
        + [(cut[1].rgb.tensor(), cut[1].audio.tensor())]
    let results = batcher.scores(batch: batch)
    #expect(throws: (any Error).self) { try results[1].get() }
    let single = try batcher.classifier.scores(rgb: cut[1].rgb, audio: cut[1].audio)
    #expect(worstDifference(try results[2].get().scores, single.scores) <= 1e-5)
    #expect(try results[0].get().frames == 3)  // seg_num 3 picks
}

/// What the camera threads of the concurrent test read and found (windows are only read; counts under the lock).
private final class Tally: @unchecked Sendable {
    let windows: [(rgb: RollingWindow, audio: RollingWindow)]
    let expected: [(scores: [Float], frames: Int)]
    private let lock = NSLock()
    private var worst: Float = 0
    private var wrongFrames = 0

    init(windows: [(rgb: RollingWindow, audio: RollingWindow)], expected: [(scores: [Float], frames: Int)]) {
        self.windows = windows
        self.expected = expected
    }

    func record(_ camera: Int, _ got: (scores: [Float], frames: Int)?) {
        lock.withLock {
            guard let got else {
                worst = .infinity
                return
            }
            worst = max(worst, worstDifference(got.scores, expected[camera].scores))
            if got.frames != expected[camera].frames { wrongFrames += 1 }
        }
    }

    var totals: (worst: Float, wrongFrames: Int) { lock.withLock { (worst, wrongFrames) } }
}
