// Turns a camera's window scores into event lifecycles per label: start → update… → end, one id each.

/// Follows every class of one camera through the hysteresis in its `EventHysteresis` and reports lifecycle steps.
///
/// - start: the score is ≥ `on` for `minWindows` consecutive windows; `start_time` is the first of those windows.
/// - update: while open, each window whose score beats `top_score`.
/// - end: the score has stayed < `off` for `maxQuietSeconds` since the last window ≥ `off` (`end_time` is that
///   last window), or `expire(now:)` finds the same while no windows arrive (camera away), or `finish()`.
/// Across a short drop an open event stays open and keeps its id; it ends (reason `offline`) only if the camera
/// stays away longer than `maxQuietSeconds` after the label was last seen.
public struct EventTracker {
    private struct Open {
        var id: String
        var startTime: Double
        var topScore: Float
        var lastScore: Float
        var lastActiveTime: Double
    }

    private struct LabelState {
        var streak = 0
        var streakStartTime = 0.0
        var open: Open?
    }

    /// Camera name carried by every event.
    public let camera: String
    private let labels: [String?]
    private let thresholds: [EventHysteresis]  // [K]
    private var states: [LabelState]  // [K]
    private var makeID: (Double) -> String

    /// A tracker for `camera` over classes named `labels` (index = class; nil: no name, its lines print
    /// `"label": null`), with `policy`'s thresholds (an unnamed class is looked up by its index as text).
    /// `makeID` turns a start time into an event id (default: Frigate's `<epoch>-<6 random characters>`).
    public init(
        camera: String, labels: [String?], policy: EventPolicy,
        makeID: @escaping (Double) -> String = EventTracker.randomID
    ) {
        self.camera = camera
        self.labels = labels
        thresholds = labels.enumerated().map { policy.thresholds(for: $1 ?? String($0)) }
        states = Array(repeating: LabelState(), count: labels.count)
        self.makeID = makeID
    }

    /// `<epoch seconds with 6 decimals>-<6 random lowercase letters/digits>`.
    public static func randomID(startTime: Double) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let suffix = String((0..<6).map { _ in alphabet.randomElement() ?? "x" })
        let micros = Int64((startTime * 1_000_000).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)-\(suffix)"
    }

    /// Number of events currently open.
    public var openCount: Int { states.reduce(0) { $0 + ($1.open == nil ? 0 : 1) } }

    /// Feeds one window's scores ([K], sigmoid) at epoch time `time` (the window's end); returns the steps it
    /// causes, in class order. Scores beyond the label count are ignored.
    public mutating func observe(scores: [Float], at time: Double) -> [LifecycleEvent] {
        var steps: [LifecycleEvent] = []
        for index in 0..<min(scores.count, states.count) {
            let score = scores[index]
            let limits = thresholds[index]
            var state = states[index]
            if var open = state.open {
                open.lastScore = score
                if score >= limits.off { open.lastActiveTime = time }
                if score > open.topScore {
                    open.topScore = score
                    state.open = open
                    steps.append(step(.update, index, open, endTime: nil, reason: nil))
                } else if score < limits.off && time - open.lastActiveTime >= limits.maxQuietSeconds {
                    state.open = nil
                    steps.append(step(.end, index, open, endTime: open.lastActiveTime, reason: .quiet))
                } else {
                    state.open = open
                }
            } else if score >= limits.on {
                if state.streak == 0 { state.streakStartTime = time }
                state.streak += 1
                if state.streak >= limits.minWindows {
                    let open = Open(
                        id: makeID(state.streakStartTime), startTime: state.streakStartTime, topScore: score,
                        lastScore: score, lastActiveTime: time)
                    state.open = open
                    state.streak = 0
                    steps.append(step(.start, index, open, endTime: nil, reason: nil))
                }
            } else {
                state.streak = 0
            }
            states[index] = state
        }
        return steps
    }

    /// Ends events whose label was last seen more than `maxQuietSeconds` before `now` (epoch seconds) while no
    /// windows arrive, e.g. while the camera is away; `reason` says why. Also forgets half-built streaks.
    public mutating func expire(now: Double, reason: LifecycleEvent.EndReason) -> [LifecycleEvent] {
        var steps: [LifecycleEvent] = []
        for index in states.indices {
            states[index].streak = 0
            guard let open = states[index].open, now - open.lastActiveTime >= thresholds[index].maxQuietSeconds
            else { continue }
            states[index].open = nil
            steps.append(step(.end, index, open, endTime: open.lastActiveTime, reason: reason))
        }
        return steps
    }

    /// Ends every open event (shutdown); `end_time` is the last window in which each label was seen.
    public mutating func finish() -> [LifecycleEvent] {
        var steps: [LifecycleEvent] = []
        for index in states.indices {
            states[index].streak = 0
            guard let open = states[index].open else { continue }
            states[index].open = nil
            steps.append(step(.end, index, open, endTime: open.lastActiveTime, reason: .shutdown))
        }
        return steps
    }

    private func step(
        _ phase: LifecycleEvent.Phase, _ index: Int, _ open: Open, endTime: Double?,
        reason: LifecycleEvent.EndReason?
    ) -> LifecycleEvent {
        LifecycleEvent(
            phase: phase, id: open.id, camera: camera, label: labels[index], classIndex: index, score: open.lastScore,
            topScore: open.topScore, startTime: open.startTime, endTime: endTime, reason: reason)
    }
}
