// A hook for what a camera's decode thread does that no event line tells (frames, decode time), for metrics.

/// Told by each camera's decode thread, once per sampled frame, what it decoded since the last call. Called from
/// every camera's thread concurrently; must return at once.
public protocol CameraObserver: AnyObject, Sendable {
    /// `read` frames decoded (before sampling), `kept` sampled, `decodeSeconds` of the decode thread's CPU time
    /// spent demuxing and decoding them.
    func decoded(camera: String, read: Int, kept: Int, decodeSeconds: Double)
    /// A camera with clips: the packets dropped so far (totals, with each `decoded` call): `ring` by the pre-roll
    /// ring's byte bound, `writer` by the clip writer's inbox when the disk did not keep up.
    func clipPacketsDropped(camera: String, ring: Int, writer: Int)
}

extension CameraObserver {
    /// Observers that do not count clip drops ignore them.
    public func clipPacketsDropped(camera: String, ring: Int, writer: Int) {}
}
