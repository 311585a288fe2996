// Bounded buffers: fixed capacity, oldest dropped and counted, time-based expiry (habit 12).
import Foundation
import Testing

@testable import Stream

@Test func boundedQueueDropsOldestAndCounts() {
    var queue = BoundedQueue<Int>(capacity: 3)
    let dropped = (1...5).map { queue.push($0) }
    #expect(dropped == [nil, nil, nil, 1, 2])
    #expect(queue.count == 3)
    #expect(queue.droppedCount == 2)
    #expect(Array(queue.elements) == [3, 4, 5])
    let head = queue.popFirst()
    #expect(head == 3)
    #expect(queue.droppedCount == 2)
}

@Test func boundedQueueNeverGrowsPastCapacityUnderAFlood() {
    var queue = BoundedQueue<[Float]>(capacity: 8)
    for value in 0..<10_000 { queue.push([Float(value)]) }
    #expect(queue.count == 8)
    #expect(queue.droppedCount == 10_000 - 8)
    #expect(queue.first == [9992])
}

@Test func mailboxHandsOverAcrossThreadsAndDropsWhenTheConsumerIsSlow() async {
    let mailbox = Mailbox<Int>(capacity: 2)
    for value in 0..<10 { mailbox.put(value) }  // the consumer has not started: 8 dropped
    #expect(mailbox.droppedCount == 8)
    #expect(mailbox.take(timeoutSeconds: 0) == 8)
    #expect(mailbox.take(timeoutSeconds: 0) == 9)
    #expect(mailbox.take(timeoutSeconds: 0.01) == nil)
    let consumer = Task.detached { mailbox.take(timeoutSeconds: 30) }
    mailbox.put(42)
    #expect(await consumer.value == 42)
    mailbox.put(1)
    mailbox.put(2)
    let producer = Task.detached { mailbox.put(3, waitForRoom: true) }  // waits: full, nothing dropped
    #expect(mailbox.take(timeoutSeconds: 1) == 1)
    #expect(await producer.value == false)
    #expect(mailbox.take(timeoutSeconds: 1) == 2)
    #expect(mailbox.take(timeoutSeconds: 1) == 3)
    #expect(mailbox.droppedCount == 8)
    let waiter = Task.detached { mailbox.take(timeoutSeconds: 30) }
    mailbox.close()
    #expect(await waiter.value == nil)
}

@Test func rollingWindowKeepsTheLastWindowSecondsByPts() throws {
    var window = RollingWindow(windowSeconds: 5, capacity: 100, dimension: 2)
    for second in 0..<12 { try window.append(TimedFeatures(pts: Double(second), vector: [Float(second), 1])) }
    #expect(window.count == 5)  // pts 7...11: older than 11 - 5 = 6 left
    #expect(window.startPts == 7)
    #expect(window.endPts == 11)
    let all = window.tensor()
    #expect(all.shape == [5, 2])
    #expect(all.scalars == [7, 1, 8, 1, 9, 1, 10, 1, 11, 1])
    let picks = window.rows([0, 4, 9])  // 9 clamps to the newest
    #expect(picks.scalars == [7, 1, 11, 1, 11, 1])
    #expect(window.droppedCount == 0)
}

@Test func rollingWindowCapacityBoundsMemoryWhenPtsBarelyMove() throws {
    var window = RollingWindow(windowSeconds: 100, capacity: 4, dimension: 1)
    for step in 0..<50 { try window.append(TimedFeatures(pts: Double(step) * 0.001, vector: [Float(step)])) }
    #expect(window.count == 4)
    #expect(window.droppedCount == 46)
}

@Test func rollingWindowRestartsWhenPtsGoBackAndRejectsWrongWidths() throws {
    var window = RollingWindow(windowSeconds: 10, capacity: 20, dimension: 1)
    for second in 0..<5 { try window.append(TimedFeatures(pts: Double(100 + second), vector: [1])) }
    try window.append(TimedFeatures(pts: 0, vector: [2]))
    #expect(window.count == 1)
    #expect(throws: StreamError.featureWidth(expected: 1, got: 3)) {
        try window.append(TimedFeatures(pts: 1, vector: [1, 2, 3]))
    }
    #expect(window.rows([0]).shape == [1, 1])
    window.removeAll()
    #expect(window.tensor().shape == [0, 1])
}
