// Where and how much a camera records around its events (`--clips DIR`, `--clip-pre`, `--clip-post`).
import Foundation
import Stream

/// A camera's clip settings; nil in `WatchSettings.clips` means clips are off (and event lines carry no paths).
public struct ClipSettings: Sendable, Equatable {
    /// The folder clips and snapshots are written to (created if missing).
    public var directory: String
    /// Seconds recorded before an event's start (`--clip-pre`; the clip starts at the keyframe at or before).
    public var preSeconds = SettingDefaults.clipMarginSeconds
    /// Seconds recorded after an event's end (`--clip-post`).
    public var postSeconds = SettingDefaults.clipMarginSeconds
    /// Bytes the folder may hold; the oldest clips and snapshots are deleted first (`--clips-max-bytes`; nil: no limit).
    public var maxBytes: Int64?
    /// How late a `start` line may come after its `start_time` and still find its snapshot and pre-roll: the ring
    /// keeps `preSeconds + startDelaySeconds` of packets.
    public var startDelaySeconds: Double = 10
    /// The ring's byte bound per camera (whole GOPs beyond it are dropped and counted).
    public var ringMaxBytes = 64 << 20
    /// Jobs (mostly packets) waiting for the camera's clip writer at most; a live camera drops the oldest beyond it
    /// (the clip is then cut short, with a status line) instead of waiting for the disk.
    public var writerQueuePackets = ClipWriter.defaultCapacity

    /// Clips into `directory` with the default pre- and post-roll.
    public init(directory: String) { self.directory = directory }

    /// `self` when the durations are finite and not negative and the limit positive.
    public func validated(camera: String) throws -> ClipSettings {
        for (name, value) in [("--clip-pre", preSeconds), ("--clip-post", postSeconds)] {
            if let problem = NumberLimits.problem(value, in: 0...NumberLimits.seconds.upperBound) {
                throw StreamError.badSetting("\(camera): \(name) \(problem)")
            }
        }
        if let maxBytes, maxBytes <= 0 {
            throw StreamError.badSetting("\(camera): --clips-max-bytes must be positive, got \(maxBytes)")
        }
        guard !directory.isEmpty else { throw StreamError.badSetting("\(camera): --clips needs a folder") }
        return self
    }
}
