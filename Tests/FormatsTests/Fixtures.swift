// Fixtures: paths of the committed files tools/make_format_fixtures.py made, and the values it recorded.
import Formats
import Foundation
import Tensor

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// expected.json, written by the reference script next to the files.
    nonisolated(unsafe) static let expected: [String: Any] = {
        let data = (try? Data(contentsOf: url("expected.json"))) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }()

    /// Floats recorded as JSON numbers (float32 values stored exactly as doubles).
    static func floats(_ value: Any?) -> [Float] {
        ((value as? [Any]) ?? []).map { Float(($0 as? NSNumber)?.doubleValue ?? .nan) }
    }

    static func ints(_ value: Any?) -> [Int] {
        ((value as? [Any]) ?? []).map { ($0 as? NSNumber)?.intValue ?? -1 }
    }

    /// name → tensor from an expected.json section `{name: {shape, values}}`.
    static func tensors(_ section: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, item) in (expected[section] as? [String: Any]) ?? [:] {
            let fields = item as? [String: Any] ?? [:]
            let shape = ints(fields["shape"])
            let values = floats(fields["values"])
            if shape.reduce(1, *) == values.count { result[name] = Tensor(shape: shape, scalars: values) }
        }
        return result
    }

    /// Writes `data` next to the fixtures when VIGIL_WRITE_FIXTURES=1 (so the reference script can check Vigil's writers).
    static func saveIfAsked(_ data: Data, as name: String) throws {
        if ProcessInfo.processInfo.environment["VIGIL_WRITE_FIXTURES"] == "1" { try data.write(to: url(name)) }
    }
}

/// The FormatError a throwing call raised, or nil.
func formatError(_ body: () throws -> Void) -> FormatError? {
    do {
        try body()
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return FormatError(.usage, path: "?", "unexpected error type \(error)")
    }
}
