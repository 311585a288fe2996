// The lines `vigil watch` prints: one JSON object per line, told apart by "type" (docs/events.md).
import Models

/// One classified window: `{"type":"window", ...}`.
public struct WindowEvent: Codable, Sendable, Equatable {
    /// Camera name.
    public var camera: String
    /// Stream time (seconds) of the window's first and last vector.
    public var startPts: Double
    public var endPts: Double
    /// The same instants as epoch seconds.
    public var startTime: Double
    public var endTime: Double
    /// Vectors the model read.
    public var frames: Int
    /// Best classes, highest score first.
    public var topK: [ClassScore]
    /// Seconds from the window's last frame arriving to its scores being known.
    public var latency: Double
    /// Windows of this camera dropped so far because the model was still busy.
    public var droppedWindows: Int
    /// Which frames the decoder decoded when the window became due: every frame, or keyframes only (`--decode`).
    public var decode: Decode?

    /// The decoding behind a window's frames.
    public enum Decode: String, Codable, Sendable { case all, keyframes }

    /// A classified window.
    public init(
        camera: String, startPts: Double, endPts: Double, startTime: Double, endTime: Double, frames: Int,
        topK: [ClassScore], latency: Double, droppedWindows: Int, decode: Decode? = nil
    ) {
        self.camera = camera
        self.startPts = startPts
        self.endPts = endPts
        self.startTime = startTime
        self.endTime = endTime
        self.frames = frames
        self.topK = topK
        self.latency = latency
        self.droppedWindows = droppedWindows
        self.decode = decode
    }

    enum CodingKeys: String, CodingKey {
        case camera, startPts = "start_pts", endPts = "end_pts", startTime = "start_time", endTime = "end_time"
        case frames, topK = "top_k", latency, droppedWindows = "dropped_windows", decode
    }
}

/// A step in a label's event lifecycle: `{"type":"start"|"update"|"end", ...}` sharing one `id`.
public struct LifecycleEvent: Codable, Sendable, Equatable {
    /// Which step this is.
    public enum Phase: String, Codable, Sendable { case start, update, end }
    /// Why an event ended.
    public enum EndReason: String, Codable, Sendable {
        /// The score stayed below `off` for `max_quiet` seconds.
        case quiet
        /// The camera was unreachable for `max_quiet` seconds after the label was last seen.
        case offline
        /// The process was asked to stop.
        case shutdown
        /// The cluster worker running the camera died; the worker that took the camera over ended the event.
        case failover
    }

    public var phase: Phase
    /// Stable from `start` to `end`.
    public var id: String
    public var camera: String
    /// The class's name; nil (printed `null`) when the label map has none.
    public var label: String?
    public var classIndex: Int
    /// This window's score (for `end`: the last score seen).
    public var score: Float
    /// The highest score since `start`.
    public var topScore: Float
    /// Epoch seconds of the first window of the run that started the event.
    public var startTime: Double
    /// Epoch seconds of the last window in which the score was ≥ `off`; nil until `end`.
    public var endTime: Double?
    /// Only on `end`.
    public var reason: EndReason?
    /// With clips on (`--clips`), on `start`: the JPEG of the window that crossed the threshold.
    public var snapshot: String?
    /// With clips on, on `end`: the clip holding the event (shared by overlapping events of the camera).
    public var clip: String?
    /// With clips on, on `end`, only when the event spans a reconnect: every clip holding part of it, in order (the
    /// first is `clip`; each later one was recorded after the camera came back while the event was still open).
    public var clips: [String]?

    /// A lifecycle step.
    public init(
        phase: Phase, id: String, camera: String, label: String?, classIndex: Int, score: Float, topScore: Float,
        startTime: Double, endTime: Double?, reason: EndReason?, snapshot: String? = nil, clip: String? = nil
    ) {
        self.phase = phase
        self.id = id
        self.camera = camera
        self.label = label
        self.classIndex = classIndex
        self.score = score
        self.topScore = topScore
        self.startTime = startTime
        self.endTime = endTime
        self.reason = reason
        self.snapshot = snapshot
        self.clip = clip
    }

    enum CodingKeys: String, CodingKey {
        case phase = "type", id, camera, label, classIndex = "class", score, topScore = "top_score"
        case startTime = "start_time", endTime = "end_time", reason, snapshot, clip, clips
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(phase, forKey: .phase)
        try container.encode(id, forKey: .id)
        try container.encode(camera, forKey: .camera)
        try container.encode(label, forKey: .label)  // null when the class has no name
        try container.encode(classIndex, forKey: .classIndex)
        try container.encode(score, forKey: .score)
        try container.encode(topScore, forKey: .topScore)
        try container.encode(startTime, forKey: .startTime)
        try container.encode(endTime, forKey: .endTime)  // null until the end
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(snapshot, forKey: .snapshot)  // absent without clips: lines stay as they were
        try container.encodeIfPresent(clip, forKey: .clip)
        try container.encodeIfPresent(clips, forKey: .clips)
    }
}

/// A camera's connection state: `{"type":"status", ...}`, printed on every change.
public struct StatusEvent: Codable, Sendable, Equatable {
    /// Where a camera stands.
    public enum State: String, Codable, Sendable { case online, offline, reconnecting }
    public var camera: String
    public var state: State
    /// Why, in a few words (FFmpeg's message, "no frames for 20 s", "shutdown").
    public var reason: String

    /// A status change.
    public init(camera: String, state: State, reason: String) {
        self.camera = camera
        self.state = state
        self.reason = reason
    }
}

/// Any line `vigil watch` prints.
public enum Event: Codable, Sendable, Equatable {
    case window(WindowEvent)
    case lifecycle(LifecycleEvent)
    case status(StatusEvent)

    private enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "window": self = .window(try WindowEvent(from: decoder))
        case "status": self = .status(try StatusEvent(from: decoder))
        default: self = .lifecycle(try LifecycleEvent(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .window(let window):
            var container = encoder.container(keyedBy: TypeKey.self)
            try container.encode("window", forKey: .type)
            try window.encode(to: encoder)
        case .lifecycle(let lifecycle):
            try lifecycle.encode(to: encoder)
        case .status(let status):
            var container = encoder.container(keyedBy: TypeKey.self)
            try container.encode("status", forKey: .type)
            try status.encode(to: encoder)
        }
    }
}
