// Feeding Media's decoded frames to any frame extractor, one at a time or several per call.
import Media

extension FrameFeatureExtractor {
    /// The vector for a decoded frame (its RGB24 pixels and presentation time).
    public mutating func extract(_ frame: VideoFrame) throws -> [Float] {
        try extract(rgb: frame.rgb, width: frame.width, height: frame.height, pts: frame.pts)
    }

    /// Vectors for several decoded frames of one stream, in order: a network extractor runs frames of one size
    /// through one forward pass; any other extractor takes them one by one.
    public mutating func extract(_ frames: [VideoFrame]) throws -> [[Float]] {
        guard let first = frames.first, frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            return try frames.map { try extract($0) }
        }
        return try extractBatch(frames.map(\.rgb), width: first.width, height: first.height, pts: frames.map(\.pts))
    }
}
