// A bounded hand-off between two threads: the producer never waits, the consumer waits with a timeout.
import Foundation

/// A thread-safe `BoundedQueue`: `put` on a full mailbox either drops its oldest item and counts it (live inputs:
/// the producer never waits) or waits for room (files: nothing is lost); `take` waits up to a timeout.
/// `close()` wakes every waiter; a closed mailbox still hands out what it holds.
public final class Mailbox<Element>: @unchecked Sendable {
    private var queue: BoundedQueue<Element>
    private var closed = false
    private let condition = NSCondition()

    /// An empty mailbox holding at most `capacity` items.
    public init(capacity: Int) {
        queue = BoundedQueue(capacity: capacity)
    }

    /// Puts `item` in; when full, waits for room if `waitForRoom`, else drops the oldest item and returns true.
    /// Ignored once closed.
    @discardableResult
    public func put(_ item: Element, waitForRoom: Bool = false) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while waitForRoom && queue.count == queue.capacity && !closed { condition.wait() }
        guard !closed else { return false }
        let dropped = queue.push(item) != nil
        condition.broadcast()
        return dropped
    }

    /// The oldest item, waiting up to `timeoutSeconds`; nil on timeout or when closed and empty.
    public func take(timeoutSeconds: Double) -> Element? {
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed {
            if !condition.wait(until: deadline) { break }
        }
        let item = queue.popFirst()
        condition.broadcast()  // room for a waiting `put`
        return item
    }

    /// Stops accepting items and wakes every waiting `take`.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// True once closed and emptied: no item will ever come out again.
    public var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed && queue.isEmpty
    }

    /// How many items were dropped because the mailbox was full.
    public var droppedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.droppedCount
    }
}
