// VideoMetrics: Hit@1, PERR, GAP and mAP with the YouTube-8M starter code's semantics (eval_util.py), as
// PaddleVideo and PaddlePaddle/models use them. See docs/training.md for the exact definitions and tie rules.
/// Metrics over a set of videos, every value a fraction in [0, 1]; the JSON document `vigil eval` prints.
public struct VideoMetrics: Codable, Equatable, Sendable {
    /// Fraction of videos whose highest-scoring class is one of their labels (first index wins ties).
    public var hitAtOne: Double
    /// Mean precision at equal recall rate: precision among each video's top-k classes, k = its label count.
    public var perr: Double
    /// Global average precision over every video's top-k (20) predictions.
    public var gap: Double
    /// Mean over all classes of each class's AP over the top-k predictions; a class without positives scores 0.
    public var map: Double
    /// Number of videos measured.
    public var videos: Int

    enum CodingKeys: String, CodingKey {
        case hitAtOne = "hit_at_one", perr, gap, map, videos
    }

    /// Computes every metric. `scores[v]` are the sigmoid outputs of video v over all classes, `labels[v]` its
    /// class indices. With `batchMean` = N, Hit@1, PERR and GAP are the unweighted mean over consecutive batches
    /// of N videos (PaddleVideo 2.x `HitOneMetric`); mAP is always computed over the whole set.
    public init(scores: [[Float]], labels: [[Int]], topK: Int = 20, batchMean: Int? = nil) {
        let classes = scores.first?.count ?? 0
        let count = min(scores.count, labels.count)
        let videos = parallelMap(count) { RankedVideo(scores: scores[$0], labels: labels[$0], topK: topK) }
        self.videos = videos.count
        map = Self.meanAveragePrecision(videos, classes: classes)
        if let size = batchMean, size > 0, !videos.isEmpty {
            let batches = stride(from: 0, to: videos.count, by: size).map { Array(videos[$0..<min($0 + size, videos.count)]) }
            let count = Double(batches.count)
            hitAtOne = batches.map(Self.hitAtOne).reduce(0, +) / count
            perr = batches.map(Self.precisionAtEqualRecall).reduce(0, +) / count
            gap = batches.map { Self.globalAveragePrecision($0, classes: classes) }.reduce(0, +) / count
        } else {
            hitAtOne = Self.hitAtOne(videos)
            perr = Self.precisionAtEqualRecall(videos)
            gap = Self.globalAveragePrecision(videos, classes: classes)
        }
        // A perfect ranking can sum to 1 + 1 ulp or so; the reference would print that, a fraction may not exceed 1.
        (gap, map) = (min(gap, 1), min(map, 1))
    }

    static func hitAtOne(_ videos: [RankedVideo]) -> Double {
        guard !videos.isEmpty else { return 0 }
        return Double(videos.filter { $0.labels.contains($0.best) }.count) / Double(videos.count)
    }

    /// A video without labels scores 0 and still counts (numpy's `argpartition(x, -0)[-0:]` is the whole row).
    static func precisionAtEqualRecall(_ videos: [RankedVideo]) -> Double {
        guard !videos.isEmpty else { return 0 }
        let total = videos.reduce(0.0) { sum, video in
            let k = video.labels.count
            guard k > 0 else { return sum }
            let top = RankedVideo.top(video.scores, count: k)
            let hits = top.filter { video.scores[$0] > 0 && video.labels.contains($0) }.count
            return sum + Double(hits) / Double(k)
        }
        return total / Double(videos.count)
    }

    /// One AP over all (class, video) top-k triplets in class-major, video-minor order; numpos = all labels.
    static func globalAveragePrecision(_ videos: [RankedVideo], classes: Int) -> Double {
        let lists = perClassLists(videos, classes: classes)
        let positives = videos.reduce(0) { $0 + $1.labels.count }
        return AveragePrecision.compute(lists.flatMap { $0 }, positives: Double(positives))
    }

    static func meanAveragePrecision(_ videos: [RankedVideo], classes: Int) -> Double {
        guard classes > 0 else { return 0 }
        let lists = perClassLists(videos, classes: classes)
        var counts = [Int](repeating: 0, count: classes)
        for video in videos { for label in video.labels { counts[label] += 1 } }
        let positives = counts
        let aps = parallelMap(classes) { AveragePrecision.compute(lists[$0], positives: Double(positives[$0])) }
        return aps.reduce(0, +) / Double(classes)
    }

    /// `top_k_by_class`: each class's (score, label) pairs from the videos whose top-k include it, in video order.
    static func perClassLists(_ videos: [RankedVideo], classes: Int) -> [[ScoredLabel]] {
        var lists = [[ScoredLabel]](repeating: [], count: classes)
        for video in videos {
            for c in video.topK {
                lists[c].append(ScoredLabel(score: video.scores[c], label: video.labels.contains(c) ? 1 : 0))
            }
        }
        return lists
    }
}

/// One video's scores, its distinct in-range labels, its top-scoring class and its top-k classes.
struct RankedVideo {
    let scores: [Float]
    let labels: Set<Int>
    let best: Int
    let topK: [Int]

    init(scores: [Float], labels: [Int], topK: Int) {
        self.scores = scores
        self.labels = Set(labels.filter { scores.indices.contains($0) })
        best = Self.top(scores, count: 1).first ?? -1
        self.topK = Self.top(scores, count: min(topK, scores.count))
    }

    /// The `count` highest-scoring indices, highest first; among equal scores the lower index wins
    /// (numpy's `argmax` does so; its `argpartition` breaks boundary ties arbitrarily).
    static func top(_ scores: [Float], count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var kept: [Int] = []
        kept.reserveCapacity(count + 1)
        for i in scores.indices {
            if kept.count == count, let last = kept.last, !ranksAbove(scores[i], scores[last]) { continue }
            var position = kept.count
            while position > 0, ranksAbove(scores[i], scores[kept[position - 1]]) { position -= 1 }
            kept.insert(i, at: position)
            if kept.count > count { kept.removeLast() }
        }
        return kept
    }
}
