// AveragePrecision: the YouTube-8M starter code's AveragePrecisionCalculator (top_n = None), tie handling included.
// Ported semantics: pairs are pushed onto a Python `heapq` as (score, label) tuples, read back in heap-array order,
// permuted by `random.seed(0); random.sample(range(n), n)`, stably sorted by score descending, then
// AP = Σ_{ranks i with a positive} (positives so far / i) / numpos, in Python floats.

/// A (score, label) pair as the reference pushes it onto its heap; labels above 0 are positives.
struct ScoredLabel {
    var score: Float
    var label: Float
}

/// Non-interpolated average precision over a ranked list, exactly as the YouTube-8M reference computes it.
enum AveragePrecision {
    /// AP of `pairs` (in the order the reference accumulates them) given the total number of positives,
    /// which may count positives absent from `pairs` (recall is measured against all of them).
    static func compute(_ pairs: [ScoredLabel], positives: Double) -> Double {
        if pairs.isEmpty || positives <= 0 { return 0 }
        let heap = heapOrder(pairs)
        var random = PythonRandom(seed: 0)
        let shuffled = random.samplePermutation(heap.count).map { heap[$0] }
        let ranked = shuffled.indices.sorted { a, b in
            let x = shuffled[a].score, y = shuffled[b].score
            return ranksAbove(x, y) || (!ranksAbove(y, x) && a < b)
        }
        let deltaRecall = 1.0 / positives
        var found = 0.0, ap = 0.0
        for (i, index) in ranked.enumerated() where shuffled[index].label > 0 {
            found += 1
            ap += found / Double(i + 1) * deltaRecall
        }
        return ap
    }

    /// The array `heapq.heappush` builds from `pairs`, comparing (score, label) tuples.
    static func heapOrder(_ pairs: [ScoredLabel]) -> [ScoredLabel] {
        var heap: [ScoredLabel] = []
        heap.reserveCapacity(pairs.count)
        for item in pairs {
            var position = heap.count
            heap.append(item)
            while position > 0 {
                let parent = (position - 1) >> 1
                guard tupleLess(item, heap[parent]) else { break }
                heap[position] = heap[parent]
                position = parent
            }
            heap[position] = item
        }
        return heap
    }

    /// Python's tuple `<` on (score, label): the first unequal element decides.
    private static func tupleLess(_ a: ScoredLabel, _ b: ScoredLabel) -> Bool {
        a.score != b.score ? a.score < b.score : a.label < b.label
    }
}

/// A strict total order for ranking scores, highest first; NaN ranks above everything (as numpy sorts it last).
@inline(__always)
func ranksAbove(_ x: Float, _ y: Float) -> Bool {
    if x.isNaN { return !y.isNaN }
    if y.isNaN { return false }
    return x > y
}
