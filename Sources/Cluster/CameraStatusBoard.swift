// What a worker writes to the status bucket for the cameras it owns: owner, state, since, open events.
import Foundation
import Stream

/// Keeps one CameraStatus per owned camera, updated from the events the sink delivered (so the bucket never claims
/// an event the stream does not hold) and written to the status bucket. A write that fails (NATS away) is retried
/// by `flush()`.
final class CameraStatusBoard: @unchecked Sendable {
    private let bucket: KeyValueBucket
    private let owner: String
    private let lock = NSLock()
    private var records: [String: CameraStatus] = [:]
    private var dirty: Set<String> = []

    init(bucket: KeyValueBucket, owner: String) {
        self.bucket = bucket
        self.owner = owner
    }

    /// Starts keeping `camera` (state `starting`, no open events) and writes it; returns the claim's time.
    @discardableResult
    func claim(_ camera: String) -> Double {
        let now = Date().timeIntervalSince1970
        defer { flush() }
        return lock.withLock {
            records[camera] = CameraStatus(owner: owner, state: "starting", since: now)
            dirty.insert(camera)
            return now
        }
    }

    /// Stops keeping `camera` (its last record stays in the bucket until a new owner claims it); with `write`
    /// false the record is dropped unwritten (another worker owns the camera now).
    func forget(_ camera: String, write: Bool = true) {
        if write { flush() }
        lock.withLock {
            records[camera] = nil
            dirty.remove(camera)
        }
    }

    /// Folds a delivered event into its camera's record.
    func record(_ event: Event) {
        let now = Date().timeIntervalSince1970
        lock.withLock {
            switch event {
            case .window: return
            case .status(let status):
                guard var record = records[status.camera] else { return }
                if record.state != status.state.rawValue { (record.state, record.since) = (status.state.rawValue, now) }
                record.seen = now
                records[status.camera] = record
                dirty.insert(status.camera)
            case .lifecycle(let event):
                guard var record = records[event.camera] else { return }
                if event.phase == .end {
                    record.open[event.id] = nil
                } else {
                    record.open[event.id] = LifecycleRecord(
                        id: event.id, label: event.label, classIndex: event.classIndex, score: event.score,
                        topScore: event.topScore, startTime: event.startTime)
                }
                record.seen = now
                records[event.camera] = record
                dirty.insert(event.camera)
            }
        }
        flush()
    }

    /// Writes every changed record; what fails stays marked for the next flush.
    func flush() {
        let pending: [(String, CameraStatus)] = lock.withLock {
            dirty.compactMap { name in records[name].map { (name, $0) } }
        }
        for (name, record) in pending {
            guard let data = try? JSONEncoder().encode(record) else { continue }
            if (try? bucket.put(name, data)) != nil {
                lock.withLock { if records[name] == record { dirty.remove(name) } }
            }
        }
    }
}
