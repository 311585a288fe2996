// One camera as the registry bucket stores it, and as `vigil cameras ls` shows it.
import Foundation

/// A camera definition: its name (the bucket key and a subject token), its URL and per-camera settings.
public struct CameraEntry: Codable, Sendable, Equatable {
    public var name: String
    /// The URL as given (credentials included: the bucket is the one place they are kept; never printed).
    public var url: String
    public var fps: Double?
    public var segNum: Int?
    public var window: Double?
    public var stride: Double?
    /// "tcp" or "udp" for rtsp:// cameras.
    public var transport: String?

    /// A camera named `name` at `url`.
    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case name, url, fps, segNum = "seg_num", window, stride, transport
    }
}

/// Who runs a camera and how it is doing: the status bucket's value for the camera, written by its worker.
public struct CameraStatus: Codable, Sendable, Equatable {
    /// The worker running the camera.
    public var owner: String
    /// online, reconnecting, offline; `starting` between the lease and the first status line.
    public var state: String
    /// Epoch seconds of the last state change.
    public var since: Double
    /// Epoch seconds of the last write (the last event the owner delivered).
    public var seen: Double
    /// Epoch seconds when the owner took the lease: of two workers claiming a camera, the later claim wins.
    public var claimed: Double
    /// Events started and not ended yet, in their latest step (start or update), for a failover `end`.
    public var open: [String: LifecycleRecord] = [:]

    public init(owner: String, state: String, since: Double) {
        self.owner = owner
        self.state = state
        self.since = since
        seen = since
        claimed = since
    }
}

/// The fields of an open event a new owner needs to end it.
public struct LifecycleRecord: Codable, Sendable, Equatable {
    public var id: String
    public var label: String?
    public var classIndex: Int
    public var score: Float
    public var topScore: Float
    public var startTime: Double
}

/// A line of `vigil cameras ls`.
public struct CameraListing: Codable, Sendable, Equatable {
    public var name: String
    /// The URL with `user:password@` removed.
    public var url: String
    /// The worker that runs it; nil while nobody does.
    public var owner: String?
    /// online, reconnecting, offline, starting, or unassigned.
    public var state: String
    /// Epoch seconds of the last state change; nil when unassigned.
    public var since: Double?

    enum CodingKeys: String, CodingKey { case name, url, owner, state, since }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(url, forKey: .url)
        try container.encode(owner, forKey: .owner)  // null while unassigned
        try container.encode(state, forKey: .state)
        try container.encode(since, forKey: .since)
    }
}
