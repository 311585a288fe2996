// What every watch run must satisfy, whatever happened to its cameras.
import Foundation
import Testing

/// The lines of one `vigil watch` run, parsed.
struct WatchLog {
    let lines: [String]
    let events: [JSONValue]

    init(_ lines: [String]) throws {
        self.lines = lines
        events = try lines.map { try JSONValue.parse($0) }
    }

    func of(type: String) -> [JSONValue] { events.filter { $0["type"]?.string == type } }
    /// The `state`s of a camera's status lines, in order.
    func states(_ camera: String) -> [String] {
        of(type: "status").filter { $0["camera"]?.string == camera }.compactMap { $0["state"]?.string }
    }

    /// True when `camera`'s states include `expected` in order (other states may come between, e.g. a first
    /// attempt that times out on a loaded machine).
    func states(_ camera: String, include expected: [String]) -> Bool {
        var remaining = expected[...]
        for state in states(camera) where state == remaining.first { remaining = remaining.dropFirst() }
        return remaining.isEmpty
    }

    /// Every line matches the schema; each id goes start → update* → end; every start gets exactly one end;
    /// status lines appear only on a change of state.
    func checkInvariants(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let validator = try SchemaValidator(contentsOf: eventSchema)
        for (line, event) in zip(lines, events) {
            #expect(validator.problems(event) == [], "\(line)", sourceLocation: sourceLocation)
        }
        var phase: [String: String] = [:]
        for event in events {
            guard let type = event["type"]?.string, ["start", "update", "end"].contains(type),
                let id = event["id"]?.string
            else { continue }
            switch type {
            case "start": #expect(phase[id] == nil, "second start for \(id)", sourceLocation: sourceLocation)
            default: #expect(phase[id] == "start" || phase[id] == "update", "\(type) out of order for \(id)", sourceLocation: sourceLocation)
            }
            phase[id] = type
        }
        #expect(phase.values.allSatisfy { $0 == "end" }, "an event without its end: \(phase)", sourceLocation: sourceLocation)
        let cameras = Set(of(type: "status").compactMap { $0["camera"]?.string })
        for camera in cameras {
            // A clip or snapshot that could not be written repeats the camera's state with its reason.
            let states = of(type: "status").filter {
                $0["camera"]?.string == camera && !($0["reason"]?.string ?? "").contains(" not written: ")
            }.compactMap { $0["state"]?.string }
            #expect(zip(states, states.dropFirst()).allSatisfy { $0 != $1 }, "repeated status \(states)", sourceLocation: sourceLocation)
        }
    }
}

extension ChildProcess {
    /// Waits until the camera has reported `state` `count` times in all.
    @discardableResult
    func waitForStatus(_ state: String, count: Int = 1, timeoutSeconds: Double) -> Bool {
        waitForLines(timeoutSeconds: timeoutSeconds) { Self.statusCount(state, in: $0) >= count }
    }

    /// Whether the camera has reported `state` `count` times so far.
    func hasStatus(_ state: String, count: Int = 1) -> Bool { Self.statusCount(state, in: lines) >= count }

    private static func statusCount(_ state: String, in lines: [String]) -> Int {
        lines.filter { $0.contains("\"type\":\"status\"") && $0.contains("\"state\":\"\(state)\"") }.count
    }

    /// Waits until a line of `type` has appeared `count` times in all.
    @discardableResult
    func waitForEvent(_ type: String, count: Int = 1, timeoutSeconds: Double) -> Bool {
        waitForLines(timeoutSeconds: timeoutSeconds) { lines in
            lines.filter { $0.contains("\"type\":\"\(type)\"") }.count >= count
        }
    }

    /// Sends SIGINT (or `signal`) and returns the exit status, or nil if the process did not exit in time.
    func interrupt(_ signal: Int32 = SIGINT, timeoutSeconds: Double = 10) -> Int32? {
        send(signal)
        return waitForExit(timeoutSeconds: timeoutSeconds)
    }
}
