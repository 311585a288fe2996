// Packed variable-length sequences: the rows of every video stacked back to back, no padding (Paddle's LoD layout).
// Legend: B videos, N = Σ lengths rows, T = the longest length.

/// Where each video's rows sit in a packed [N, D] buffer, and which videos are still running at each step.
struct PackedSequences {
    /// Rows per video, in batch order.
    let lengths: [Int]
    /// First packed row of each video.
    let offsets: [Int]
    /// Video indices by length, longest first (stable), so the videos still running at step s are a prefix.
    let order: [Int]
    /// activeCounts[s] = number of videos with more than s rows.
    let activeCounts: [Int]
    /// Total rows N.
    let total: Int

    init(lengths: [Int]) {
        self.lengths = lengths
        var offsets: [Int] = []
        var total = 0
        for length in lengths {
            offsets.append(total)
            total += length
        }
        self.offsets = offsets
        self.total = total
        order = lengths.indices.sorted { lengths[$0] > lengths[$1] || lengths[$0] == lengths[$1] && $0 < $1 }
        let longest = lengths.max() ?? 0
        activeCounts = (0..<longest).map { step in lengths.reduce(0) { $0 + ($1 > step ? 1 : 0) } }
    }

    /// Number of videos.
    var count: Int { lengths.count }
    /// The longest length T.
    var maxLength: Int { activeCounts.count }
}
