// The event lifecycle: hysteresis, ids, ordering, overrides, short drops, and an end for every start.
import Testing

@testable import Stream

/// Runs `scores` (one value per window for class 0, the other class stays 0) at 2 s strides from t = 1000.
private func run(
    _ scores: [Float], policy: EventPolicy, tracker: inout EventTracker, from start: Double = 1000
) -> [LifecycleEvent] {
    scores.enumerated().flatMap { step, score in
        tracker.observe(scores: [score, 0], at: start + 2 * Double(step))
    }
}

private func sequentialIDs() -> (Double) -> String {
    var next = 0
    return { _ in
        next += 1
        return "event-\(next)"
    }
}

private let policy = try! EventPolicy(defaults: EventHysteresis(on: 0.6, off: 0.4, minWindows: 2, maxQuietSeconds: 4))

@Test func aSingleSpikeStartsNothingTwoWindowsInARowDo() {
    var tracker = EventTracker(camera: "front", labels: ["person", "car"], policy: policy, makeID: sequentialIDs())
    let spike = run([0.9, 0.1, 0.9, 0.5, 0.9, 0.1], policy: policy, tracker: &tracker)
    #expect(spike.isEmpty)
    let steps = run([0.7, 0.65], policy: policy, tracker: &tracker, from: 2000)
    #expect(steps.map(\.phase) == [.start])
    #expect(steps[0].startTime == 2000)  // the first window of the run
    #expect(steps[0].endTime == nil)
    #expect(steps[0].label == "person")
    #expect(steps[0].classIndex == 0)
    #expect(steps[0].camera == "front")
}

@Test func hysteresisKeepsTheEventBetweenOffAndOnAndEndsAfterMaxQuiet() {
    var tracker = EventTracker(camera: "front", labels: ["person", "car"], policy: policy, makeID: sequentialIDs())
    // t: 1000 1002 1004 1006 1008 1010 1012 1014 1016
    let steps = run([0.7, 0.7, 0.8, 0.5, 0.45, 0.3, 0.2, 0.1, 0.1], policy: policy, tracker: &tracker)
    #expect(steps.map(\.phase) == [.start, .update, .end])
    #expect(steps[1].topScore == 0.8)
    let end = steps[2]
    #expect(end.reason == .quiet)
    #expect(end.endTime == 1008)  // the last window ≥ off
    #expect(end.startTime == 1000)
    #expect(end.topScore == 0.8)
    #expect(end.score == 0.2)  // ended at 1012: 4 s after 1008
    #expect(Set(steps.map(\.id)) == ["event-1"])
    #expect(tracker.openCount == 0)
}

@Test func aDipShorterThanMaxQuietDoesNotSplitTheEvent() {
    var tracker = EventTracker(camera: "front", labels: ["person", "car"], policy: policy, makeID: sequentialIDs())
    let steps = run([0.7, 0.7, 0.1, 0.7, 0.1, 0.1, 0.1], policy: policy, tracker: &tracker)
    #expect(steps.map(\.phase) == [.start, .end])
    #expect(steps.map(\.id) == ["event-1", "event-1"])
    #expect(steps[1].endTime == 1006)
}

@Test func idsAreStableWithinAnEventAndDistinctAcrossEvents() {
    var tracker = EventTracker(camera: "front", labels: ["person", "car"], policy: policy)
    var steps = run([0.7, 0.7, 0.9, 0, 0, 0, 0.8, 0.8, 0.85, 0, 0, 0], policy: policy, tracker: &tracker)
    steps += tracker.finish()
    #expect(steps.map(\.phase) == [.start, .update, .end, .start, .update, .end])
    #expect(steps[0].id == steps[1].id && steps[1].id == steps[2].id)
    #expect(steps[3].id == steps[4].id && steps[4].id == steps[5].id)
    #expect(steps[0].id != steps[3].id)
    #expect(steps[0].id.hasPrefix("1000.000000-"))
    #expect(steps[3].id.hasPrefix("1012.000000-"))
}

@Test func perLabelOverridesApplyToTheirLabelOnly() throws {
    let strict = try EventPolicy(
        defaults: EventHysteresis(on: 0.6, off: 0.4, minWindows: 1, maxQuietSeconds: 0),
        overrides: ["car": EventHysteresis(on: 0.95, off: 0.4, minWindows: 3, maxQuietSeconds: 0)])
    var tracker = EventTracker(camera: "gate", labels: ["person", "car"], policy: strict, makeID: sequentialIDs())
    var steps: [LifecycleEvent] = []
    for (step, scores) in [[0.7, 0.9], [0.1, 0.96], [0.1, 0.97], [0.1, 0.98]].enumerated() {
        steps += tracker.observe(scores: scores.map(Float.init), at: Double(step))
    }
    #expect(steps.map(\.phase) == [.start, .end, .start])
    #expect(steps.map(\.label) == ["person", "person", "car"])
    #expect(steps[2].startTime == 1)  // car: three windows ≥ 0.95 from t = 1
    #expect(throws: StreamError.self) { try EventPolicy(defaults: EventHysteresis(on: 0.3, off: 0.5)) }
    #expect(throws: StreamError.self) {
        try EventPolicy(overrides: ["car": EventHysteresis(minWindows: 0)])
    }
}

@Test func shortDropKeepsTheEventLongDropEndsItAsOffline() {
    var tracker = EventTracker(camera: "front", labels: ["person", "car"], policy: policy, makeID: sequentialIDs())
    var steps = run([0.7, 0.7], policy: policy, tracker: &tracker)  // open, last seen at 1002
    steps += tracker.expire(now: 1005, reason: .offline)  // away 3 s < max_quiet 4: still open
    #expect(tracker.openCount == 1)
    steps += run([0.75, 0.1], policy: policy, tracker: &tracker, from: 1006)  // back: same event
    #expect(steps.map(\.phase) == [.start, .update])
    steps += tracker.expire(now: 1009.9, reason: .offline)
    #expect(tracker.openCount == 1)
    steps += tracker.expire(now: 1010, reason: .offline)  // 4 s after 1006
    #expect(steps.map(\.phase) == [.start, .update, .end])
    #expect(steps.last?.reason == .offline)
    #expect(steps.last?.endTime == 1006)
    #expect(Set(steps.map(\.id)).count == 1)
}

@Test func aDropBreaksAStreakInTheMaking() {
    var tracker = EventTracker(camera: "front", labels: ["person", "car"], policy: policy, makeID: sequentialIDs())
    var steps = run([0.9], policy: policy, tracker: &tracker)
    steps += tracker.expire(now: 1001, reason: .offline)
    steps += run([0.9], policy: policy, tracker: &tracker, from: 1010)
    #expect(steps.isEmpty)
}

@Test func everyStartGetsAnEndAndStepsOfAnIdAreOrdered() {
    var generator = SplitMix(seed: 7)
    let labels = (0..<20).map { "label\($0)" }
    var tracker = EventTracker(camera: "c", labels: labels, policy: policy)
    var steps: [LifecycleEvent] = []
    for window in 0..<2000 {
        let scores = labels.indices.map { _ in Float(generator.next() % 1000) / 1000 }
        steps += tracker.observe(scores: scores, at: Double(window))
        if window % 300 == 299 { steps += tracker.expire(now: Double(window) + 5, reason: .offline) }
    }
    steps += tracker.finish()
    #expect(tracker.openCount == 0)
    var phaseByID: [String: LifecycleEvent.Phase] = [:]
    var ended = 0
    for step in steps {
        switch step.phase {
        case .start: #expect(phaseByID[step.id] == nil)
        case .update: #expect(phaseByID[step.id] == .start || phaseByID[step.id] == .update)
        case .end:
            #expect(phaseByID[step.id] == .start || phaseByID[step.id] == .update)
            #expect(step.endTime.map { $0 >= step.startTime } == true)
            ended += 1
        }
        phaseByID[step.id] = step.phase
    }
    #expect(phaseByID.values.allSatisfy { $0 == .end })
    #expect(ended == steps.filter { $0.phase == .start }.count)
    #expect(ended > 50)
}

/// A tiny seeded generator so the random walk above is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
