// The last few sampled frames' sharpness and contrast, for the figures that compare a frame with the sharpest of them.

/// A bounded record of the last `RecentFrames.count` frames' measures (this frame's included once it is appended).
/// The frame-to-frame figure 27 marks only the first frame of a defocus or a cover; against the sharpest recent frame
/// it shows for as long as it lasts, and after lights come on the sharpest recent frame is a lit one, so a defocus
/// that follows still shows.
struct RecentFrames {
    /// This frame and the 6 before it: 3.5 s at the demo model's 2 frames/s (7 s at 1 frame/s).
    static let count = 7

    struct Entry: Equatable {
        var sharpness: Float  // g₁: mean gradient magnitude per pixel at scale 1
        var halfSharpness: Float  // g½: the same at scale ½
        var deviation: Float  // σ: the luma's standard deviation (half resolution)
    }

    private(set) var entries: [Entry] = []

    /// Records a frame, forgetting the oldest beyond `count`.
    mutating func append(_ entry: Entry) {
        if entries.count == Self.count { entries.removeFirst() }
        entries.append(entry)
    }

    mutating func removeAll() { entries.removeAll() }

    /// The recorded frame with the largest sharpness (the earliest of equals); nil before any frame.
    var sharpest: Entry? {
        var best: Entry?
        for entry in entries where entry.sharpness > best?.sharpness ?? -.infinity { best = entry }
        return best
    }
}
