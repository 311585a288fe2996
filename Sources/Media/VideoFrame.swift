// What the Media stage hands to Features: one decoded picture as packed RGB24.

/// One decoded video frame as RGB24.
public struct VideoFrame: Sendable {
    /// Position in presentation order (0 = first frame of the stream).
    public let index: Int
    /// Presentation time in seconds (the stream's timestamp × its time base).
    public let pts: Double
    public let width: Int
    public let height: Int
    /// Packed RGB24 pixels, row-major, stride width·3. // [height, width, 3]
    public let rgb: [UInt8]

    public init(index: Int, pts: Double, width: Int, height: Int, rgb: [UInt8]) {
        self.index = index
        self.pts = pts
        self.width = width
        self.height = height
        self.rgb = rgb
    }
}

/// A requested output size in pixels.
public struct FrameSize: Sendable, Equatable {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses "WxH" (both 1…16384); nil otherwise.
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (1...16384).contains(width), (1...16384).contains(height) else { return nil }
        self.init(width: width, height: height)
    }
}
