// Feeding Media's decoded frames to any frame extractor.
import Media

extension FrameFeatureExtractor {
    /// The vector for a decoded frame (its RGB24 pixels and presentation time).
    public mutating func extract(_ frame: VideoFrame) throws -> [Float] {
        try extract(rgb: frame.rgb, width: frame.width, height: frame.height, pts: frame.pts)
    }
}
