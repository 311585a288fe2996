// What `vigil info` prints: the container and its streams. Keys are fixed here (snake_case) and in docs/media.md.

/// The facts about an opened input. Absent facts are omitted from the JSON, never guessed.
public struct MediaInfo: Encodable, Sendable {
    /// The path or URL as given.
    public var input: String
    /// FFmpeg's demuxer name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    public var container: String
    /// Seconds, when the container knows.
    public var duration: Double?
    /// Bits per second, when the container knows.
    public var bitRate: Int?
    public var streams: [StreamInfo]
    /// Index of the stream `frames` decodes (FFmpeg's best video stream).
    public var videoStream: Int?
    /// Index of the stream audio comes from (FFmpeg's best audio stream).
    public var audioStream: Int?

    enum CodingKeys: String, CodingKey {
        case input, container, duration, streams
        case bitRate = "bit_rate", videoStream = "video_stream", audioStream = "audio_stream"
    }
}

/// One stream of an input.
public struct StreamInfo: Encodable, Sendable {
    public var index: Int
    /// "video", "audio", "subtitle", "data", "attachment" or "unknown".
    public var type: String
    /// FFmpeg's codec name, e.g. "h264".
    public var codec: String
    public var duration: Double?
    // Video.
    public var width: Int?
    public var height: Int?
    /// Degrees the picture must be turned clockwise to display upright (0, 90, 180, 270 or other).
    public var rotation: Int?
    /// Average frames per second (or the stream's base rate when no average is known).
    public var frameRate: Double?
    /// Number of frames a full decode yields.
    public var frameCount: Int?
    /// "container" (an exact sample table) or "packets" (counted by a demux-only pass).
    public var frameCountSource: String?
    public var pixelFormat: String?
    // Audio.
    public var sampleRate: Int?
    public var channels: Int?
    public var sampleFormat: String?

    enum CodingKeys: String, CodingKey {
        case index, type, codec, duration, width, height, rotation, channels
        case frameRate = "frame_rate", frameCount = "frame_count", frameCountSource = "frame_count_source"
        case pixelFormat = "pixel_format", sampleRate = "sample_rate", sampleFormat = "sample_format"
    }
}
