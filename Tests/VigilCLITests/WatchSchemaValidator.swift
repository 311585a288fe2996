// A small JSON Schema checker for docs/events.schema.json (the keywords that file uses, nothing more).
import Foundation

/// A parsed JSON value.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ text: some StringProtocol) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }
}

/// Checks values against a JSON Schema using: $ref (#/$defs/…), type, const, enum, properties, required,
/// additionalProperties: false, items, minimum, maximum, minLength, oneOf, if/then/else, boolean schemas.
struct SchemaValidator {
    let root: JSONValue

    init(contentsOf url: URL) throws {
        root = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// The problems found (empty when `value` is valid).
    func problems(_ value: JSONValue) -> [String] { check(value, against: root, at: "$") }

    private func check(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        if case .bool(let allowed) = schema { return allowed ? [] : ["\(path): not allowed"] }
        if let reference = schema["$ref"]?.string {
            let name = reference.replacingOccurrences(of: "#/$defs/", with: "")
            guard let target = root["$defs"]?[name] else { return ["\(path): unknown $ref \(reference)"] }
            return check(value, against: target, at: path)
        }
        var found: [String] = []
        if let type = schema["type"], !matches(value, type: type) { found.append("\(path): wrong type \(value)") }
        if let constant = schema["const"], constant != value { found.append("\(path): not \(constant)") }
        if case .array(let options) = schema["enum"], !options.contains(value) { found.append("\(path): not in enum") }
        if let number = value.number {
            if let minimum = schema["minimum"]?.number, number < minimum { found.append("\(path): < \(minimum)") }
            if let maximum = schema["maximum"]?.number, number > maximum { found.append("\(path): > \(maximum)") }
        }
        if let text = value.string, let minLength = schema["minLength"]?.number, Double(text.count) < minLength {
            found.append("\(path): shorter than \(minLength)")
        }
        if case .object(let members) = value {
            if case .array(let required) = schema["required"] {
                for name in required.compactMap(\.string) where members[name] == nil {
                    found.append("\(path): missing \(name)")
                }
            }
            let properties = schema["properties"]
            for (name, member) in members {
                if let property = properties?[name] {
                    found += check(member, against: property, at: "\(path).\(name)")
                } else if schema["additionalProperties"] == .bool(false) {
                    found.append("\(path): unexpected \(name)")
                }
            }
        }
        if case .array(let elements) = value, let items = schema["items"] {
            for (index, element) in elements.enumerated() { found += check(element, against: items, at: "\(path)[\(index)]") }
        }
        if case .array(let options) = schema["oneOf"] {
            let passing = options.filter { check(value, against: $0, at: path).isEmpty }.count
            if passing != 1 { found.append("\(path): matches \(passing) of oneOf, not exactly 1") }
        }
        if let condition = schema["if"] {
            let branch = check(value, against: condition, at: path).isEmpty ? schema["then"] : schema["else"]
            if let branch { found += check(value, against: branch, at: path) }
        }
        return found
    }

    private func matches(_ value: JSONValue, type: JSONValue) -> Bool {
        if case .array(let types) = type { return types.contains { matches(value, type: $0) } }
        switch (type.string, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
            ("object", .object):
            return true
        case ("integer", .number(let number)): return number.rounded() == number
        default: return false
        }
    }
}
