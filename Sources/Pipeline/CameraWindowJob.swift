// What the decode loop hands to the classifier: a window due for the model and when it was complete.
import Stream

/// One window due for classification (rolling windows are copy-on-write, so the snapshot is cheap).
struct CameraWindowJob {
    /// rgb vectors, and the audio vectors of the same frames (row for row).
    var window: RollingWindow
    var audio: RollingWindow
    /// Epoch seconds of the window's first and last vector.
    var startTime: Double
    var endTime: Double
    /// Monotonic seconds when the window was complete (its last frame and that frame's sound; for `latency`).
    var arrivedAt: Double

    /// Whether the decoder was decoding keyframes only when the window became due.
    var keyframesOnly = false

    init(_ due: FeatureStream.Window, arrivedAt: Double, keyframesOnly: Bool) {
        window = due.rgb
        audio = due.audio
        startTime = due.startTime
        endTime = due.endTime
        self.arrivedAt = arrivedAt
        self.keyframesOnly = keyframesOnly
    }
}
