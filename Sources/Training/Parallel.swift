// Parallel: spreads independent work (videos, classes, batch items) over every core.
import Foundation

/// `(0..<count).map(body)` computed concurrently; results keep their order.
func parallelMap<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(body) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        guard let start = buffer.baseAddress else { return }
        nonisolated(unsafe) let base = start  // each iteration writes only its own element
        DispatchQueue.concurrentPerform(iterations: count) { i in (base + i).initialize(to: body(i)) }
        initialized = count
    }
}

/// Runs `body` over disjoint ranges that cover 0..<count, concurrently once there is enough work to share.
func parallelChunks(_ count: Int, minimumChunk: Int = 1 << 16, _ body: @Sendable (Range<Int>) -> Void) {
    let chunks = min(ProcessInfo.processInfo.activeProcessorCount * 4, count / minimumChunk)
    guard chunks > 1 else { return body(0..<count) }
    DispatchQueue.concurrentPerform(iterations: chunks) { c in body(c * count / chunks..<(c + 1) * count / chunks) }
}
