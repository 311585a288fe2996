// Typed, bounds-checked reads from one mapping of a YAML file; every error names the file and the dotted key.
import Foundation
import Yams

/// A YAML mapping with the file it came from and its dotted path, for reading values with precise errors.
struct YAMLSection {
    let file: URL
    let path: String  // "" at the top, "model", "cameras.front", …
    let mapping: Node.Mapping
    /// The mapping's values by key, built once: `Node.Mapping`'s own lookup is a linear scan, which made a file
    /// of 20 000 `cameras:` entries take 33 s. (Yams refuses a key given twice.)
    private let index: [String: Node]

    init(file: URL, path: String, mapping: Node.Mapping) {
        self.file = file
        self.path = path
        self.mapping = mapping
        var index: [String: Node] = [:]
        index.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            if let name = key.string { index[name] = value }
        }
        self.index = index
    }

    private var fileName: String { file.path }

    /// The dotted name of `key` in this section.
    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Keys in file order.
    var keys: [String] { mapping.compactMap { $0.key.string } }

    /// The value of `key`, or nil when absent or null (`~`, `null`, `None`).
    func node(_ key: String) -> Node? {
        guard let value = index[key] else { return nil }
        if case .scalar(let scalar) = value, ["", "~", "null", "Null", "NULL", "None"].contains(scalar.string) {
            return nil
        }
        return value
    }

    func bad(_ key: String, _ reason: String) -> PipelineError {
        .badValue(path: fileName, key: name(key), reason: reason)
    }

    /// Fails on the first key not in `known`.
    func rejectUnknownKeys(_ known: Set<String>) throws {
        for key in keys where !known.contains(key) {
            throw PipelineError.unknownKey(path: fileName, key: name(key))
        }
    }

    func section(_ key: String) throws -> YAMLSection? {
        guard let value = node(key) else { return nil }
        guard let mapping = value.mapping else { throw bad(key, "expected a mapping") }
        return YAMLSection(file: file, path: name(key), mapping: mapping)
    }

    func string(_ key: String) throws -> String? {
        guard let value = node(key) else { return nil }
        guard case .scalar(let scalar) = value else { throw bad(key, "expected a single value") }
        return scalar.string
    }

    func int(_ key: String, minimum: Int = 1, maximum: Int = NumberLimits.largestInteger) throws -> Int? {
        guard let value = node(key) else { return nil }
        // Not sexagesimal ("1:30"): Yams parses it with trapping arithmetic (Tests/PipelineTests/FuzzRegressionTests)
        guard value.scalar?.string.contains(":") != true, let int = value.int else {
            throw bad(key, "expected an integer")
        }
        guard int >= minimum else { throw bad(key, "must be at least \(minimum), got \(int)") }
        if let problem = NumberLimits.problem(int, in: minimum...max(minimum, maximum)) { throw bad(key, problem) }
        return int
    }

    func double(
        _ key: String, minimum: Double = 0, inclusive: Bool = true, maximum: Double = NumberLimits.largestNumber
    ) throws -> Double? {
        guard let value = node(key) else { return nil }
        guard let double = value.float, double.isFinite else { throw bad(key, "expected a number") }
        guard inclusive ? double >= minimum : double > minimum else {
            throw bad(key, "must be \(inclusive ? "at least" : "more than") \(minimum), got \(double)")
        }
        guard double <= maximum else { throw bad(key, "must be at most \(NumberLimits.text(maximum)), got \(double)") }
        return double
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = node(key) else { return nil }
        guard let bool = value.bool else { throw bad(key, "expected true or false") }
        return bool
    }

    func ints(_ key: String, minimum: Int = 1) throws -> [Int]? {
        guard let value = node(key) else { return nil }
        guard let sequence = value.sequence else { throw bad(key, "expected a list of integers") }
        return try sequence.map { element in
            guard element.scalar?.string.contains(":") != true, let int = element.int else {
                throw bad(key, "expected a list of integers")
            }
            guard int >= minimum else { throw bad(key, "every value must be at least \(minimum), got \(int)") }
            return int
        }
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = node(key) else { return nil }
        guard let sequence = value.sequence else { throw bad(key, "expected a list of strings") }
        return try sequence.map { element in
            guard let string = element.scalar?.string else { throw bad(key, "expected a list of strings") }
            return string
        }
    }

    func doubles(_ key: String) throws -> [Double]? {
        guard let value = node(key) else { return nil }
        guard let sequence = value.sequence else { throw bad(key, "expected a list of numbers") }
        return try sequence.map { element in
            guard let double = element.float, double.isFinite else { throw bad(key, "expected a list of numbers") }
            return double
        }
    }

    /// A path value resolved against the YAML file's folder (absolute paths and URLs with a scheme stay as they are).
    func url(_ key: String) throws -> URL? {
        guard let text = try string(key) else { return nil }
        return YAMLSection.resolve(text, against: file)
    }

    /// Scalar keys not in `known`, as written (for settings other stages interpret).
    func extraScalars(excluding known: Set<String>) -> [String: String] {
        var extra: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string, !known.contains(name), case .scalar(let scalar) = value else { continue }
            extra[name] = scalar.string
        }
        return extra
    }

    static func resolve(_ path: String, against file: URL) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        if let url = URL(string: path), let scheme = url.scheme, scheme.count > 1, scheme != "file" { return url }
        return URL(fileURLWithPath: path, relativeTo: file.deletingLastPathComponent()).standardizedFileURL
    }
}
