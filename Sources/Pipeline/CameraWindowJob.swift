// What the decode loop hands to the classifier: a snapshot of the window and when its last frame arrived.
import Stream

/// One window due for classification (rolling windows are copy-on-write, so the snapshot is cheap).
struct CameraWindowJob {
    /// rgb vectors, and the audio vectors of the same frames (row for row).
    var window: RollingWindow
    var audio: RollingWindow
    /// Epoch seconds of the window's first and last vector.
    var startTime: Double
    var endTime: Double
    /// Monotonic seconds when the last frame arrived (for `latency`).
    var arrivedAt: Double
    /// Whether the decoder was decoding keyframes only when the window became due.
    var keyframesOnly = false
}
