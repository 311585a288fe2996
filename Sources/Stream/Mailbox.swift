// A bounded hand-off between two threads: the producer never waits, the consumer waits with a timeout.
import Foundation

/// A thread-safe `BoundedQueue`: `put` never blocks (a full mailbox drops its oldest item and counts it),
/// `take` waits up to a timeout. `close()` wakes every waiter; a closed mailbox still hands out what it holds.
public final class Mailbox<Element>: @unchecked Sendable {
    private var queue: BoundedQueue<Element>
    private var closed = false
    private let condition = NSCondition()

    /// An empty mailbox holding at most `capacity` items.
    public init(capacity: Int) {
        queue = BoundedQueue(capacity: capacity)
    }

    /// Puts `item` in; returns true when an older item had to be dropped to make room. Ignored once closed.
    @discardableResult
    public func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        let dropped = queue.push(item) != nil
        condition.signal()
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
        return queue.popFirst()
    }

    /// Stops accepting items and wakes every waiting `take`.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// How many items were dropped because the mailbox was full.
    public var droppedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.droppedCount
    }
}
