// ByteReader: a bounds-checked little/big-endian cursor over untrusted bytes; every read can fail, none can trap.
import Foundation

/// A cursor over `data` that throws `FormatError` (naming `path` and `what`) instead of reading out of bounds.
struct ByteReader {
    let data: Data
    let path: String
    /// Bytes consumed so far (0-based, whatever `data.startIndex` is).
    private(set) var offset = 0

    init(_ data: Data, path: String) {
        self.data = data
        self.path = path
    }

    var remaining: Int { data.count - offset }
    var isAtEnd: Bool { offset >= data.count }

    private func truncated(_ what: String, _ count: Int) -> FormatError {
        .malformed(path, "truncated: \(what) needs \(count) bytes at offset \(offset), \(remaining) left")
    }

    mutating func byte(_ what: String) throws -> UInt8 {
        guard remaining >= 1 else { throw truncated(what, 1) }
        let value = data[data.startIndex + offset]
        offset += 1
        return value
    }

    /// `count` bytes as a slice sharing `data`'s storage (no copy).
    mutating func bytes(_ count: Int, _ what: String) throws -> Data {
        guard count >= 0 else { throw FormatError.malformed(path, "\(what) has a negative length \(count)") }
        guard count <= remaining else { throw truncated(what, count) }
        let start = data.startIndex + offset
        offset += count
        return data[start..<(start + count)]
    }

    mutating func skip(_ count: Int, _ what: String) throws {
        _ = try bytes(count, what)
    }

    /// An unsigned little-endian integer of `width` bytes (≤ 8).
    mutating func unsignedLE(_ width: Int, _ what: String) throws -> UInt64 {
        guard width <= remaining else { throw truncated(what, width) }
        var value: UInt64 = 0
        let start = data.startIndex + offset
        for i in 0..<width { value |= UInt64(data[start + i]) << (8 * UInt64(i)) }
        offset += width
        return value
    }

    mutating func uint16LE(_ what: String) throws -> UInt16 { UInt16(try unsignedLE(2, what)) }
    mutating func uint32LE(_ what: String) throws -> UInt32 { UInt32(try unsignedLE(4, what)) }
    mutating func uint64LE(_ what: String) throws -> UInt64 { try unsignedLE(8, what) }
    mutating func int32LE(_ what: String) throws -> Int32 { Int32(bitPattern: try uint32LE(what)) }

    /// A length field that must fit in the bytes left: guards every declared size before anything is allocated.
    mutating func length(_ width: Int, _ what: String) throws -> Int {
        let raw = try unsignedLE(width, what + " length")
        guard raw <= UInt64(remaining) else {
            throw FormatError.malformed(path, "truncated: \(what) declares \(raw) bytes at offset \(offset), only \(remaining) left")
        }
        return Int(raw)
    }

    mutating func float64BE(_ what: String) throws -> Double {
        guard remaining >= 8 else { throw truncated(what, 8) }
        var bits: UInt64 = 0
        let start = data.startIndex + offset
        for i in 0..<8 { bits = bits << 8 | UInt64(data[start + i]) }
        offset += 8
        return Double(bitPattern: bits)
    }

    /// Bytes up to (not including) the next `\n`, at most `limit` of them, as UTF-8 text.
    mutating func line(_ what: String, limit: Int = 1024) throws -> String {
        let start = data.startIndex + offset
        let end = data.startIndex + min(data.count, offset + limit + 1)
        guard let newline = data[start..<end].firstIndex(of: UInt8(ascii: "\n")) else {
            throw FormatError.malformed(path, "\(what) at offset \(offset) has no end of line within \(limit) bytes")
        }
        offset = newline - data.startIndex + 1
        guard let text = String(data: data[start..<newline], encoding: .utf8) else {
            throw FormatError.malformed(path, "\(what) at offset \(start - data.startIndex) is not UTF-8 text")
        }
        return text
    }
}
