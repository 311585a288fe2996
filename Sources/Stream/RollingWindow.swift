// The last `windowSeconds` of feature vectors, keyed by presentation time: what one classification looks at.
import Tensor

/// One sampled frame's features: its presentation time (seconds) and vector.
public struct TimedFeatures: Sendable {
    /// Presentation time in seconds (stream time).
    public var pts: Double
    /// The feature vector ([D]).
    public var vector: [Float]

    /// A vector taken at `pts`.
    public init(pts: Double, vector: [Float]) {
        self.pts = pts
        self.vector = vector
    }
}

/// Feature vectors of the last `windowSeconds` of stream time, at most `capacity` of them (habit 12: a vector that
/// arrives when the window is full of newer vectors pushes out the oldest, and the drop is counted).
public struct RollingWindow {
    /// Length of the window in stream seconds: a vector older than newest.pts - windowSeconds leaves it.
    public let windowSeconds: Double
    /// Width of every vector.
    public let dimension: Int
    private var entries: BoundedQueue<TimedFeatures>

    /// An empty window of `windowSeconds` holding at most `capacity` vectors of width `dimension`.
    public init(windowSeconds: Double, capacity: Int, dimension: Int) {
        self.windowSeconds = windowSeconds
        self.dimension = dimension
        entries = BoundedQueue(capacity: capacity)
    }

    /// Vectors pushed out because the window was full before they expired.
    public var droppedCount: Int { entries.droppedCount }
    /// Vectors currently in the window.
    public var count: Int { entries.count }
    /// Presentation time of the oldest vector.
    public var startPts: Double? { entries.first?.pts }
    /// Presentation time of the newest vector.
    public var endPts: Double? { entries.last?.pts }

    /// Adds `features`; vectors now older than the window leave it. A timestamp that goes backwards (a new
    /// connection, a wrapped clock) starts the window afresh. A vector of the wrong width is an error.
    public mutating func append(_ features: TimedFeatures) throws(StreamError) {
        guard features.vector.count == dimension else {
            throw .featureWidth(expected: dimension, got: features.vector.count)
        }
        if let last = entries.last?.pts, features.pts < last { entries.removeAll() }
        entries.push(features)
        let oldest = features.pts - windowSeconds
        entries.removeFirst { $0.pts <= oldest }
    }

    /// Empties the window (after a reconnect: vectors on either side of a gap do not belong together).
    public mutating func removeAll() { entries.removeAll() }

    /// Every vector in the window, oldest first, as rows. // [T, D]
    public func tensor() -> Tensor { rows(Array(0..<count)) }

    /// The vectors at `indices` (positions in the window, oldest = 0), as rows; out-of-range indices are clamped.
    public func rows(_ indices: [Int]) -> Tensor {  // [indices.count, D]
        let all = entries.elements
        var scalars = [Float]()
        scalars.reserveCapacity(indices.count * dimension)
        for index in indices where !all.isEmpty {
            let clamped = min(max(index, 0), all.count - 1)
            scalars.append(contentsOf: all[clamped].vector)
        }
        let rowCount = all.isEmpty ? 0 : indices.count
        return Tensor(shape: [rowCount, dimension], scalars: scalars)
    }
}
