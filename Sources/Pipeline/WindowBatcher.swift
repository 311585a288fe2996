// Windows of several cameras through one forward pass. Each camera's classifier thread hands its window in and
// waits for its scores; whichever waiting thread finds the model free runs every window waiting (up to the batch
// size, oldest first) as one batch, so the big FC weights are read once per batch instead of once per window.
import Foundation
import Models
import Stream
import Tensor

/// The watch's model, shared by every camera when `--batch-size` is above 1: one instance per pass that may run at
/// once (`passes`: as many as the cores the process may use, at most 4, as many as the cameras' own classifier
/// threads could use before). There is no gathering delay and no thread of its own: a window waits only while every
/// instance runs an earlier batch, and the next batch takes whatever came meanwhile. Each camera's classifier thread has at most one window in here (it waits for its
/// scores), so the queue holds at most one window per camera: it needs no drops of its own (the camera's one-slot
/// mailbox still drops and counts what a busy model cannot take), windows leave it oldest first (no camera waits
/// behind another camera's second window), and a camera that stopped classifying (a stalled sink) is simply absent.
public final class WindowBatcher: @unchecked Sendable {
    /// The most windows in one forward pass.
    public let batchSize: Int
    /// The first model instance; cameras read its labels and widths.
    let classifier: WindowClassifier
    /// How many batches may run at once, each on its own instance.
    public var passes: Int { condition.withLock { free.count + running } }
    /// Instances not running a batch.
    private var free: [WindowClassifier]
    private var running = 0
    private let condition = NSCondition()
    /// Windows handed in and not yet taken into a batch, oldest first.
    private var waiting: [Request] = []
    private var counts = (batches: 0, windows: 0, largest: 0)

    /// A batcher running batches of at most `batchSize` windows on `classifiers`, as many batches at once as
    /// there are instances.
    init(classifiers: [WindowClassifier], batchSize: Int) {
        precondition(!classifiers.isEmpty, "a batcher needs a model instance")
        classifier = classifiers[0]
        free = classifiers
        self.batchSize = max(1, batchSize)
    }

    /// Instances of `model` for as many passes at once as the process has cores (at most 4), the first `first`.
    static func passes(of model: WatchModel, first: WindowClassifier) throws -> [WindowClassifier] {
        let cores = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
        return try [first] + (1..<cores).map { _ in try model.instance() }
    }

    /// Forward passes run so far, the windows they scored, and the largest batch.
    public var statistics: (batches: Int, windows: Int, largest: Int) { condition.withLock { counts } }

    /// Sigmoid scores [K] of a window and how many frames the model read, as `WindowClassifier.scores` gives them
    /// (equal within float rounding); waits while earlier batches run.
    func scores(rgb window: RollingWindow, audio: RollingWindow) throws -> (scores: [Float], frames: Int) {
        let request = Request(rgb: window.tensor(), audio: audio.tensor())  // copied on the camera's own thread
        condition.lock()
        defer { condition.unlock() }
        waiting.append(request)
        condition.broadcast()
        while request.result == nil {
            // A thread runs a batch only while its own window still waits (one already in a running batch waits).
            guard waiting.contains(where: { $0 === request }), let instance = free.popLast() else {
                condition.wait()
                continue
            }
            running += 1
            let batch = Array(waiting.prefix(batchSize))
            waiting.removeFirst(batch.count)
            condition.unlock()
            let results = scores(batch: batch.map { ($0.rgb, $0.audio) }, on: instance)
            condition.lock()
            free.append(instance)
            running -= 1
            for (waiter, result) in zip(batch, results) { waiter.result = result }
            counts.batches += 1
            counts.windows += batch.count
            counts.largest = max(counts.largest, batch.count)
            condition.broadcast()
        }
        return try request.result!.get()
    }

    /// The result of each window of `batch`, in order: one forward pass; when that fails (a window the model
    /// cannot read), one window at a time, so each camera gets the result or error a single pass gives.
    func scores(
        batch: [(rgb: Tensor, audio: Tensor)], on instance: WindowClassifier? = nil
    ) -> [Result<(scores: [Float], frames: Int), any Error>] {
        let scorer = (instance ?? classifier).scorer
        if batch.count > 1, let logits = try? scorer.logits(batch: batch.map(\.rgb), audio: batch.map(\.audio)) {
            return zip(batch, logits).map { window, logits in
                .success((Scorer.sigmoid(logits), scorer.rows(count: window.rgb.shape.first ?? 0).count))
            }
        }
        return batch.map { window in Result { try scorer.scores(rgb: window.rgb, audio: window.audio) } }
    }

    /// A line for stderr at the end of a watch: how many windows went through how many forward passes.
    public var summary: String? {
        let (batches, windows, largest) = statistics
        guard batches > 0 else { return nil }
        let mean = (Double(windows) / Double(batches) * 10).rounded() / 10
        return "vigil: \(windows) windows classified in \(batches) forward passes (\(mean) windows per pass, at most \(largest))"
    }

    /// One window handed in, and its result once its batch ran (guarded by `condition`).
    private final class Request {
        let rgb: Tensor
        let audio: Tensor
        var result: Result<(scores: [Float], frames: Int), any Error>?

        init(rgb: Tensor, audio: Tensor) {
            self.rgb = rgb
            self.audio = audio
        }
    }
}
