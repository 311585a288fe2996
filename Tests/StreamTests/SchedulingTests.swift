// The classification stride, reconnect backoff, the watchdog, the stream clock.
import Foundation
import Testing

@testable import Stream

@Test func strideSchedulerFiresEveryStrideAndSkipsMissedOnes() throws {
    var scheduler = try StrideScheduler(strideSeconds: 2)
    let due = (0..<10).map { scheduler.isDue(pts: Double($0)) }
    #expect(due == [false, false, true, false, true, false, true, false, true, false])
    let afterJump = [30.0, 31, 32].map { scheduler.isDue(pts: $0) }  // one firing, then back on a 2 s grid
    #expect(afterJump == [true, false, true])
    scheduler.reset()
    let afterReset = [0.0, 2].map { scheduler.isDue(pts: $0) }
    #expect(afterReset == [false, true])
}

@Test func reconnectBackoffDoublesUpToItsCapAndResets() throws {
    var backoff = try ReconnectBackoff(retrySeconds: 10)
    let delays = (0..<6).map { _ in backoff.nextDelay() }
    #expect(delays == [10, 20, 40, 60, 60, 60])
    backoff.reset()
    let first = backoff.nextDelay()
    #expect(first == 10)
    #expect(throws: StreamError.self) { try ReconnectBackoff(retrySeconds: -1) }
}

@Test func watchdogInterruptsAfterTheTimeoutAndOnStop() throws {
    let now = LockedClock()
    let watchdog = try NoFramesWatchdog(timeoutSeconds: 20, clock: { now.value })
    now.value = 19.9
    #expect(!watchdog.shouldInterrupt())
    now.value = 20
    #expect(watchdog.shouldInterrupt())
    #expect(watchdog.isStarved)
    watchdog.feed()
    #expect(!watchdog.shouldInterrupt())
    watchdog.stop()
    #expect(watchdog.shouldInterrupt())
    #expect(!watchdog.isStarved)
}

@Test func streamClockAnchorsAtTheFirstFrame() {
    var clock = StreamClock()
    #expect(clock.peek(pts: 1) == nil)
    let anchored = clock.epoch(pts: 10, now: 1_700_000_000)
    let later = clock.epoch(pts: 12.5, now: 1_800_000_000)
    #expect(anchored == 1_700_000_000)
    #expect(later == 1_700_000_002.5)
    clock.reset()
    let again = clock.epoch(pts: 0, now: 5)
    #expect(again == 5)
}

/// A settable clock for the watchdog test.
final class LockedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    var value: Double {
        get { lock.withLock { seconds } }
        set { lock.withLock { seconds = newValue } }
    }
}
