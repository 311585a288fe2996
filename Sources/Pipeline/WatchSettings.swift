// One camera's watch settings: sampling rate, window, stride, reconnect pacing; their relations checked in one place.
import Foundation
import Media
import Stream

/// How a camera is sampled, windowed, classified and reconnected. `validated()` checks every value and relation.
public struct WatchSettings: Sendable, Equatable {
    /// Frames kept per second of stream time (`--fps`).
    public var framesPerSecond = SettingDefaults.framesPerSecond
    /// Seconds of stream time each classification looks at (`--window`; default seg_num / fps).
    public var windowSeconds: Double = 100
    /// Seconds of stream time between classifications (`--stride`).
    public var strideSeconds = SettingDefaults.strideSeconds
    /// First delay before reconnecting (`--retry-interval`); doubles per failure up to 6×.
    public var retrySeconds = SettingDefaults.retrySeconds
    /// Seconds without a decoded frame before a connection counts as stalled (`--no-frames-timeout`).
    public var noFramesTimeoutSeconds = SettingDefaults.noFramesTimeoutSeconds
    /// RTSP transport: "tcp" or "udp".
    public var rtspTransport = SettingDefaults.rtspTransport
    /// Ask the decoder to skip non-reference frames (h264/hevc/mpeg): less decoding at a low sampling rate.
    public var skipNonReferenceFrames = true
    /// Clips and snapshots of events (`--clips`, a camera's `clips:`); nil: off.
    public var clips: ClipSettings?
    /// Which frames are decoded (`--decode`): `auto` decodes keyframes only on a network camera whose keyframe
    /// interval fits the sampling interval, and every frame of a file.
    public var decoding = FrameDecoding.auto

    /// Defaults (`PipelineSettings.watchSettings(for:)` lays the flags, the camera and the file over them).
    public init() {}

    /// Most vectors a window can hold: one per sampled frame over the window, plus one.
    public var windowFrames: Int { NumberLimits.clampedInt((windowSeconds * framesPerSecond).rounded(.up)) + 1 }

    /// `self` when every value is in range (`NumberLimits`: durations and rate), stride ≤ window, a known transport.
    public func validated(camera: String) throws -> WatchSettings {
        let ranged: [(String, Double, ClosedRange<Double>)] = [
            ("--fps", framesPerSecond, NumberLimits.framesPerSecond), ("--window", windowSeconds, NumberLimits.seconds),
            ("--stride", strideSeconds, NumberLimits.seconds), ("--retry-interval", retrySeconds, NumberLimits.seconds),
            ("--no-frames-timeout", noFramesTimeoutSeconds, NumberLimits.seconds),
        ]
        for (name, value, range) in ranged {
            if let problem = NumberLimits.problem(value, in: range) { throw StreamError.badSetting("\(camera): \(name) \(problem)") }
        }
        guard strideSeconds <= windowSeconds else {
            throw StreamError.badSetting("\(camera): --stride (\(strideSeconds) s) must not exceed --window (\(windowSeconds) s)")
        }
        guard windowFrames <= 100_000 else {
            throw StreamError.badSetting("\(camera): --window × --fps keeps \(windowFrames) vectors; at most 100000")
        }
        guard ["tcp", "udp"].contains(rtspTransport) else {
            throw StreamError.badSetting("\(camera): transport must be tcp or udp, got \(rtspTransport)")
        }
        var checked = self
        checked.clips = try clips?.validated(camera: camera)
        return checked
    }
}

/// One camera to watch: its name (in every event), its URL or path, and its settings.
public struct CameraSpec: Sendable, Equatable {
    public var name: String
    public var url: String
    public var settings: WatchSettings

    /// A camera; `name` defaults to the URL without user credentials.
    public init(name: String? = nil, url: String, settings: WatchSettings) {
        self.name = name ?? CameraSpec.displayName(url)
        self.url = url
        self.settings = settings
    }

    /// True for a path or file:// URL (read to its end without drops, never reconnected).
    public var isLocalFile: Bool {
        !isStandardInput && (!url.contains("://") || url.lowercased().hasPrefix("file://"))
    }

    /// True for `-`, standard input: a live source (windows may be dropped, deadlines apply) that cannot be
    /// reopened, so its end is the camera's end.
    public var isStandardInput: Bool { url == "-" }

    /// `url` with any `user:password@` removed, so events never carry credentials.
    static func displayName(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + rest[rest.index(after: at)...]
    }
}
