// A first-in first-out queue with a fixed capacity that drops its oldest item when full (habit 12).
import DequeModule

/// A FIFO queue holding at most `capacity` items; pushing onto a full queue drops the oldest item and counts it.
public struct BoundedQueue<Element> {
    /// The most items the queue ever holds.
    public let capacity: Int
    /// How many items were dropped because the queue was full.
    public private(set) var droppedCount = 0
    private var items: Deque<Element>

    /// An empty queue; `capacity` is clamped to at least 1.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        items = Deque(minimumCapacity: self.capacity)
    }

    /// Number of items waiting.
    public var count: Int { items.count }
    /// True when nothing is waiting.
    public var isEmpty: Bool { items.isEmpty }
    /// The oldest item, if any.
    public var first: Element? { items.first }
    /// The newest item, if any.
    public var last: Element? { items.last }

    /// Appends `item`; when the queue was full, removes and returns the oldest item (and counts the drop).
    @discardableResult
    public mutating func push(_ item: Element) -> Element? {
        var dropped: Element?
        if items.count == capacity {
            dropped = items.removeFirst()
            droppedCount += 1
        }
        items.append(item)
        return dropped
    }

    /// Removes and returns the oldest item.
    public mutating func popFirst() -> Element? { items.popFirst() }

    /// Removes items from the front while `predicate` holds for the oldest one (no drop is counted: this is expiry).
    public mutating func removeFirst(while predicate: (Element) -> Bool) {
        while let head = items.first, predicate(head) { items.removeFirst() }
    }

    /// Removes every item (no drop is counted).
    public mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    /// The items, oldest first.
    public var elements: Deque<Element> { items }
}
