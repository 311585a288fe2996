// Lets FFmpeg's blocking calls (open, read, close) give up: on a deadline, or when another thread says stop.
import CFFmpeg
import Foundation
import Synchronization

/// Stops a `MediaSource`'s blocking FFmpeg calls from any thread (`abort()`), and carries the per-call deadline that
/// turns a silent network peer into a timeout. FFmpeg polls it through the interrupt callback of the format context.
public final class MediaAbortHandle: Sendable {
    private let aborted = Atomic<Bool>(false)
    /// Monotonic nanoseconds after which the current call is interrupted; 0 = no deadline.
    private let deadline = Atomic<UInt64>(0)

    public init() {}

    /// Makes every blocking call on the source return now and future ones fail at once. Safe from any thread.
    public func abort() { aborted.store(true, ordering: .releasing) }

    /// Whether `abort()` was called.
    public var isAborted: Bool { aborted.load(ordering: .acquiring) }

    /// Starts a deadline `seconds` from now for the next blocking call (nil clears it).
    func arm(_ seconds: Double?) {
        guard let seconds, seconds > 0 else { return deadline.store(0, ordering: .releasing) }
        deadline.store(monotonicNanoseconds() + UInt64(seconds * 1e9), ordering: .releasing)
    }

    /// Whether the armed deadline has passed.
    var isPastDeadline: Bool {
        let limit = deadline.load(ordering: .acquiring)
        return limit != 0 && monotonicNanoseconds() > limit
    }

    /// What FFmpeg asks between steps of a blocking call: non-zero interrupts it (AVERROR_EXIT).
    var shouldInterrupt: Bool { isAborted || isPastDeadline }
}

/// The interrupt callback FFmpeg polls: a non-capturing C function reading the handle through `opaque`.
let interruptCallback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { opaque in
    guard let opaque else { return 0 }
    return Unmanaged<MediaAbortHandle>.fromOpaque(opaque).takeUnretainedValue().shouldInterrupt ? 1 : 0
}

private func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
