// SafetensorsHeader: reads a safetensors JSON header in one pass, in time linear in its bytes and memory a small
// multiple of them, refusing duplicate names (JSONSerialization let the last of two silently win, and built a
// Foundation object per value: a 77 MB header of 10^6 entries took 4 GB).
import Foundation

/// One header entry as written: a tensor's name, dtype, shape and data offsets.
struct SafetensorsEntry {
    let name: String
    let dtype: String
    let shape: [Int]
    let offsets: [Int]
}

/// The header's tensor entries (in file order) and its `__metadata__` map.
struct SafetensorsHeader {
    var entries: [SafetensorsEntry] = []
    var metadata: [String: String] = [:]

    /// Deepest nesting of a value the header may hold where the format has none (unknown fields are skipped).
    static let maxSkipDepth = 64
    /// Largest integer a shape or offset may hold (as before: exact in a Double).
    static let maxInteger = 1_000_000_000_000_000

    private var bytes: [UInt8]
    private var at = 0
    private let path: String

    /// Parses `data` (the header's bytes); errors name `path`.
    init(_ data: Data, path: String) throws {
        bytes = [UInt8](data)
        self.path = path
        try readTop()
        bytes = []
    }

    private func fail(_ reason: String) -> FormatError {
        .malformed(path, "safetensors header: \(reason)")
    }

    /// JSON that does not parse.
    private func syntax(_ reason: String) -> FormatError {
        .malformed(path, "safetensors header is not a JSON object (\(reason))")
    }

    private mutating func skipSpace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x09, 0x0a, 0x0d: at += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard at < bytes.count, bytes[at] == byte else {
            throw syntax("expected '\(Character(UnicodeScalar(byte)))' at byte \(at)")
        }
        at += 1
    }

    /// True (and consumes it) if the next non-space byte is `byte`.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// The members of an object, one call of `member` per key; `{` is read here, `}` too.
    private mutating func object(_ member: (inout SafetensorsHeader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if take(UInt8(ascii: "}")) { return }
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    private mutating func readTop() throws {
        var names = Set<String>()
        var sawMetadata = false
        try object { header, key in
            if key == "__metadata__" {
                guard !sawMetadata else { throw header.fail("__metadata__ appears twice") }
                sawMetadata = true
                try header.readMetadata()
                return
            }
            guard names.insert(key).inserted else { throw header.fail("tensor \(key) appears twice") }
            header.entries.append(try header.readEntry(key))
        }
        skipSpace()
        guard at == bytes.count else { throw syntax("bytes after the header object at byte \(at)") }
    }

    private mutating func readMetadata() throws {
        if take(UInt8(ascii: "n")) {  // null
            guard at + 3 <= bytes.count, bytes[at..<(at + 3)].elementsEqual("ull".utf8) else { throw fail("__metadata__ is not an object") }
            at += 3
            return
        }
        skipSpace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: "{") else { throw fail("__metadata__ is not an object") }
        try object { header, key in
            header.skipSpace()
            guard header.at < header.bytes.count, header.bytes[header.at] == UInt8(ascii: "\"") else {
                throw header.fail("__metadata__ value \(key) is not a string")
            }
            guard header.metadata.updateValue(try header.string(), forKey: key) == nil else {
                throw header.fail("__metadata__ key \(key) appears twice")
            }
        }
    }

    private mutating func readEntry(_ name: String) throws -> SafetensorsEntry {
        var dtype: String?, shape: [Int]?, offsets: [Int]?
        let bad = fail("tensor \(name): header entry needs dtype, shape and data_offsets")
        skipSpace()
        guard at < bytes.count else { throw syntax("the header ends inside a value") }
        guard bytes[at] == UInt8(ascii: "{") else { throw bad }
        try object { header, key in
            switch key {
            case "dtype":
                guard dtype == nil else { throw header.fail("tensor \(name): dtype appears twice") }
                header.skipSpace()
                guard header.at < header.bytes.count, header.bytes[header.at] == UInt8(ascii: "\"") else { throw bad }
                dtype = try header.string()
            case "shape", "data_offsets":
                guard (key == "shape" ? shape : offsets) == nil else { throw header.fail("tensor \(name): \(key) appears twice") }
                let list = try header.integers(name, key)
                if key == "shape" { shape = list } else { offsets = list }
            default:
                try header.skipValue()
            }
        }
        guard let dtype, let shape, let offsets else { throw bad }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, offsets: offsets)
    }

    /// A list of non-negative integers.
    private mutating func integers(_ name: String, _ key: String) throws -> [Int] {
        let bad = fail("tensor \(name): header entry needs dtype, shape and data_offsets (\(key) is not a list of sizes)")
        try expect(UInt8(ascii: "["))
        var list: [Int] = []
        if take(UInt8(ascii: "]")) { return list }
        repeat {
            skipSpace()
            var value = 0, digits = 0
            while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) {
                value = value * 10 + Int(bytes[at] - UInt8(ascii: "0"))
                digits += 1
                at += 1
                guard value <= SafetensorsHeader.maxInteger else { throw bad }
            }
            guard digits > 0 else { throw bad }
            list.append(value)
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "]")) else { throw bad }
        return list
    }

    /// A JSON string (escapes decoded); the opening quote is next.
    private mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = at
        var plain = true
        while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
            if bytes[at] == UInt8(ascii: "\\") { plain = false; at += 1 }
            at += 1
        }
        guard at < bytes.count else { throw syntax("a string runs past the end of the header") }
        let raw = bytes[start..<at]
        at += 1
        if plain {
            guard let text = String(validating: raw, as: UTF8.self) else { throw syntax("a string is not UTF-8 at byte \(start)") }
            return text
        }
        // Escapes are rare in tensor names: let Foundation decode this one string.
        guard let decoded = try? JSONSerialization.jsonObject(with: Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]),
                                                              options: .fragmentsAllowed) as? String
        else { throw syntax("a string has a bad escape at byte \(start)") }
        return decoded
    }

    /// Skips one value of any kind, iteratively (nesting counted, at most `maxSkipDepth`).
    private mutating func skipValue() throws {
        var depth = 0
        repeat {
            skipSpace()
            guard at < bytes.count else { throw syntax("the header ends inside a value") }
            switch bytes[at] {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= SafetensorsHeader.maxSkipDepth else { throw fail("values nested deeper than \(SafetensorsHeader.maxSkipDepth)") }
                at += 1
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw syntax("unexpected '\(Character(UnicodeScalar(bytes[at])))' at byte \(at)") }
                depth -= 1
                at += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { throw syntax("unexpected '\(Character(UnicodeScalar(bytes[at])))' at byte \(at)") }
                at += 1
                continue
            default:  // a number, true, false, null
                let start = at
                while at < bytes.count, !" \t\r\n,:]}[{\"".utf8.contains(bytes[at]) { at += 1 }
                guard at > start else { throw syntax("unexpected byte at \(at)") }
            }
        } while depth > 0
    }
}
