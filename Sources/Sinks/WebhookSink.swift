// POSTs event lines to a webhook from a bounded queue, retrying with backoff, so a slow server never stalls a camera.
import Foundation
import Stream

/// An `EventSink` that POSTs each chosen lifecycle line (start and end by default) as its JSON, exactly as on
/// stdout, one request per event, in order. A 5xx, 408 or 429 answer, a timeout or a refused connection is retried
/// with backoff (0.5 s doubling to 30 s) until it succeeds; any other answer outside 2xx is logged and the event
/// dropped (counted). Events wait in a bounded queue whose oldest entry is dropped (and counted) when full.
public final class WebhookSink: EventSink, @unchecked Sendable {
    public let name = "webhook"
    public let address: WebhookAddress
    /// The lifecycle phases posted.
    public let phases: Set<LifecycleEvent.Phase>
    private let encoder = JSONEncoder.eventLines()
    private let post: CurlPost

    private let condition = NSCondition()
    private var queue: BoundedQueue<Data>
    /// The event being sent (out of the queue, so a full queue never drops it mid-retry).
    private var current: Data?
    private var delivered = 0
    private var rejected = 0
    private var stopping = false

    /// A sink posting to `address`; `timeoutSeconds` bounds one request.
    public init(
        address: WebhookAddress, phases: Set<LifecycleEvent.Phase> = [.start, .end], caFile: String? = nil,
        queueCapacity: Int = 10_000, timeoutSeconds: Double = 5
    ) throws(SinkError) {
        self.address = address
        self.phases = phases
        queue = BoundedQueue(capacity: queueCapacity)
        post = try CurlPost(url: address.url, timeoutSeconds: timeoutSeconds, caFile: caFile)
        Thread.detachNewThread { [self] in deliver() }
    }

    public func send(_ event: Event) throws(StreamError) {
        guard case .lifecycle(let lifecycle) = event, phases.contains(lifecycle.phase),
            let line = try? encoder.encode(event)
        else { return }
        condition.withLock {
            let before = queue.droppedCount
            queue.push(line)
            if queue.droppedCount > before && queue.droppedCount.nonzeroBitCount == 1 {  // 1, 2, 4, 8 … drops
                log("queue full (\(queue.capacity) events): \(queue.droppedCount) event(s) dropped so far")
            }
        }
        condition.broadcast()
    }

    public var counters: SinkCounters {
        condition.withLock {
            SinkCounters(delivered: delivered, queued: queue.count + (current == nil ? 0 : 1), dropped: queue.droppedCount + rejected)
        }
    }

    /// Waits at most `seconds` for the queue to empty, then stops retrying.
    public func close(within seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !(queue.isEmpty && current == nil) && condition.wait(until: deadline) {}
        let left = queue.count + (current == nil ? 0 : 1)
        stopping = true
        condition.broadcast()
        condition.unlock()
        if left > 0 { log("\(left) event(s) not delivered at shutdown") }
    }

    /// The sink's thread: one event at a time, retried until delivered or refused for good.
    private func deliver() {
        var backoff = try? ReconnectBackoff(retrySeconds: 0.5, maxSeconds: 30)
        var failing = false
        while let body = next() {
            let outcome = post.post(body)
            let retry: Bool
            switch outcome {
            case .status(let status) where (200..<300).contains(status):
                retry = false
                condition.withLock { delivered += 1 }
            case .status(let status) where status >= 500 || status == 408 || status == 429:
                retry = true
            case .status(let status):
                retry = false
                log("\(address.description) answered \(status); event dropped")
                condition.withLock { rejected += 1 }
            case .failed:
                retry = true
            }
            if retry {
                if !failing { log("\(address.description): \(Self.describe(outcome)); retrying with backoff") }
                failing = true
                wait(seconds: backoff?.nextDelay() ?? 1)
            } else {
                if failing { log("\(address.description) accepts events again") }
                failing = false
                backoff?.reset()
                condition.withLock { current = nil }
                condition.broadcast()
            }
        }
    }

    /// The event to send: the one being retried, else the oldest queued; nil once stopping.
    private func next() -> Data? {
        condition.lock()
        defer { condition.unlock() }
        while !stopping {
            if let current { return current }
            if let line = queue.popFirst() {
                current = line
                return line
            }
            condition.wait()
        }
        return nil
    }

    private func wait(seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !stopping && condition.wait(until: deadline) {}
        condition.unlock()
    }

    private static func describe(_ outcome: PostOutcome) -> String {
        switch outcome {
        case .status(let status): "HTTP \(status)"
        case .failed(let reason): reason
        }
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("vigil: webhook: \(message)\n".utf8))
    }
}
