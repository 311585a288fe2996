// When a label's score starts, keeps and ends an event (the pipeline YAML's `watch.events`).

/// Hysteresis for one label: start at `on` for `minWindows` windows in a row, end after `maxQuietSeconds` < `off`.
public struct EventHysteresis: Sendable, Equatable {
    /// A window whose score is ≥ `on` counts toward starting an event.
    public var on: Float
    /// While an event is open, a window whose score is ≥ `off` keeps it alive.
    public var off: Float
    /// Consecutive windows ≥ `on` needed to start an event.
    public var minWindows: Int
    /// Seconds the score must stay < `off` (or the camera stay away) before the event ends.
    public var maxQuietSeconds: Double

    /// Frigate-like defaults: on 0.6, off 0.4, two windows, ten quiet seconds.
    public init(on: Float = 0.6, off: Float = 0.4, minWindows: Int = 2, maxQuietSeconds: Double = 10) {
        self.on = on
        self.off = off
        self.minWindows = minWindows
        self.maxQuietSeconds = maxQuietSeconds
    }

    /// Checks the ranges: 0 ≤ off ≤ on ≤ 1, minWindows ≥ 1, maxQuietSeconds ≥ 0. `name` labels the message.
    public func validated(name: String) throws(StreamError) -> EventHysteresis {
        guard on.isFinite, off.isFinite, 0 <= off, off <= on, on <= 1 else {
            throw .badSetting("events for \(name): need 0 ≤ off ≤ on ≤ 1, got on \(on), off \(off)")
        }
        guard minWindows >= 1 else { throw .badSetting("events for \(name): min_windows must be ≥ 1, got \(minWindows)") }
        guard maxQuietSeconds >= 0, maxQuietSeconds.isFinite else {
            throw .badSetting("events for \(name): max_quiet must be ≥ 0 seconds, got \(maxQuietSeconds)")
        }
        return self
    }
}

/// Thresholds for every label: the defaults, and whole-threshold overrides by label name.
public struct EventPolicy: Sendable, Equatable {
    /// For labels without an override.
    public var defaults: EventHysteresis
    /// By label name.
    public var overrides: [String: EventHysteresis]

    /// A policy; every threshold is validated.
    public init(defaults: EventHysteresis = EventHysteresis(), overrides: [String: EventHysteresis] = [:])
        throws(StreamError)
    {
        self.defaults = try defaults.validated(name: "all labels")
        var checked: [String: EventHysteresis] = [:]
        for (label, thresholds) in overrides { checked[label] = try thresholds.validated(name: label) }
        self.overrides = checked
    }

    /// The thresholds that apply to `label`.
    public func thresholds(for label: String) -> EventHysteresis { overrides[label] ?? defaults }
}
