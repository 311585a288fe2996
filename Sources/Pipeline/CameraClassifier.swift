// A camera's classifier loop: windows from the mailbox → Scorer (through the shared WindowBatcher, batched with
// other cameras' windows) → `window` line → EventTracker → EventSink.
import Foundation
import Stream

extension Camera {
    /// Runs until the decode loop closes the mailbox and every waiting window is classified; then ends every open
    /// event. While the camera is away, open events whose `max_quiet` has passed end as `offline`.
    func classifyLoop() {
        var tracker = EventTracker(camera: spec.name, labels: classifier.labels, policy: stages.policy)
        while !mailbox.isFinished {
            guard let job = mailbox.take(timeoutSeconds: 0.5) else {
                if isAway { write(lifecycle(tracker.expire(now: Date().timeIntervalSince1970, reason: .offline))) }
                continue
            }
            do {
                let (scores, frames) = try stages.batcher.map { try $0.scores(rgb: job.window, audio: job.audio) }
                    ?? classifier.scores(rgb: job.window, audio: job.audio)
                let window = WindowEvent(
                    camera: spec.name, startPts: job.window.startPts ?? 0, endPts: job.window.endPts ?? 0,
                    startTime: job.startTime, endTime: job.endTime, frames: frames,
                    topK: classifier.scorer.best(scores, stages.topK), latency: NoFramesWatchdog.monotonicSeconds() - job.arrivedAt,
                    droppedWindows: mailbox.droppedCount, decode: job.keyframesOnly ? .keyframes : .all)
                write([.window(window)] + lifecycle(tracker.observe(scores: scores, at: job.endTime)))
            } catch {
                FileHandle.standardError.write(Data("vigil: \(spec.name): \(Camera.describe(error))\n".utf8))
            }
        }
        write(lifecycle(tracker.finish()))
    }

    /// Lifecycle lines, with snapshot and clip paths when clips are on.
    private func lifecycle(_ steps: [LifecycleEvent]) -> [Event] {
        (clips?.annotate(steps) ?? steps).map(Event.lifecycle)
    }
}
