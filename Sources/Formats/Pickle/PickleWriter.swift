// PickleWriter: writes PickleValue as a protocol 2 or 4 pickle that Python's pickle (and numpy) load.
import Foundation

/// Encodes plain data and numpy arrays the way Python 3's pickler would (arrays via numpy.core.multiarray._reconstruct).
public enum PickleWriter {
    /// The pickle bytes of `value`. Protocol 2 writes bytes as `_codecs.encode(str, 'latin1')` like Python 3 does;
    /// protocol 4 writes BINBYTES. Module paths are numpy 1.x's `numpy.core…`, which numpy 2 also loads.
    public static func encode(_ value: PickleValue, protocol version: Int = 4) throws -> Data {
        guard version == 2 || version == 4 else {
            throw FormatError(.usage, path: "pickle", "can only write pickle protocol 2 or 4, not \(version)")
        }
        var encoder = PickleEncoder(version: version)
        encoder.out.append(contentsOf: [0x80, UInt8(version)])
        try encoder.write(value)
        encoder.out.append(UInt8(ascii: "."))
        return encoder.out
    }
}

private struct PickleEncoder {
    let version: Int
    var out = Data()

    init(version: Int) { self.version = version }

    mutating func op(_ code: Character) { out.append(code.asciiValue ?? 0) }

    mutating func uint(_ value: UInt64, bytes: Int) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    mutating func write(_ value: PickleValue) throws {
        switch value {
        case .none: op("N")
        case .bool(let b): out.append(b ? 0x88 : 0x89)
        case .int(let i): int(i)
        case .float(let f):
            op("G")
            let bits = f.bitPattern
            for i in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        case .string(let s): string(s)
        case .bytes(let b): bytes(b)
        case .tuple(let items):
            if items.count <= 3 {
                for item in items { try write(item) }
                out.append([UInt8(ascii: ")"), 0x85, 0x86, 0x87][items.count])
            } else {
                op("(")
                for item in items { try write(item) }
                op("t")
            }
        case .list(let items):
            op("]")
            for batch in stride(from: 0, to: items.count, by: 1000) {
                op("(")
                for item in items[batch..<min(items.count, batch + 1000)] { try write(item) }
                op("e")
            }
        case .dict(let entries):
            op("}")
            for batch in stride(from: 0, to: entries.count, by: 1000) {
                op("(")
                for entry in entries[batch..<min(entries.count, batch + 1000)] {
                    try write(entry.key)
                    try write(entry.value)
                }
                op("u")
            }
        case .dtype(let dtype): dtypeValue(dtype)
        case .array(let array):
            if array.shape.isEmpty {
                global("numpy.core.multiarray", "scalar")
                dtypeValue(array.dtype)
                bytes(array.data)
                out.append(0x86)
                op("R")
            } else {
                // _reconstruct(ndarray, (0,), b'b'), then BUILD (1, shape, dtype, False, raw)
                global("numpy.core.multiarray", "_reconstruct")
                global("numpy", "ndarray")
                int(0)
                out.append(0x85)
                bytes(Data("b".utf8))
                out.append(0x87)
                op("R")
                op("(")
                int(1)
                try write(.tuple(array.shape.map { .int($0) }))
                dtypeValue(array.dtype)
                out.append(0x89)
                bytes(array.data)
                op("t")
                op("b")
            }
        }
    }

    mutating func int(_ i: Int) {
        if (0..<256).contains(i) {
            op("K"); out.append(UInt8(i))
        } else if (0..<65536).contains(i) {
            op("M"); uint(UInt64(i), bytes: 2)
        } else if (Int(Int32.min)...Int(Int32.max)).contains(i) {
            op("J"); uint(UInt64(UInt32(bitPattern: Int32(i))), bytes: 4)
        } else {
            out.append(0x8a); out.append(8); uint(UInt64(bitPattern: Int64(i)), bytes: 8)
        }
    }

    mutating func string(_ s: String) {
        let utf8 = Data(s.utf8)
        if version >= 4 && utf8.count < 256 {
            out.append(0x8c); out.append(UInt8(utf8.count))
        } else {
            op("X"); uint(UInt64(utf8.count), bytes: 4)
        }
        out.append(utf8)
    }

    mutating func bytes(_ b: Data) {
        if version >= 4 {
            if b.count < 256 {
                op("C"); out.append(UInt8(b.count))
            } else if b.count <= Int(UInt32.max) {
                op("B"); uint(UInt64(b.count), bytes: 4)
            } else {
                out.append(0x8e); uint(UInt64(b.count), bytes: 8)
            }
            out.append(b)
        } else {
            // Python 3's protocol 2: _codecs.encode(<the bytes as latin1 code points>, 'latin1')
            global("_codecs", "encode")
            var text = Data()
            text.reserveCapacity(b.count * 2)
            for byte in b {
                if byte < 0x80 { text.append(byte) } else { text.append(contentsOf: [0xc0 | byte >> 6, 0x80 | byte & 0x3f]) }
            }
            op("X"); uint(UInt64(text.count), bytes: 4); out.append(text)
            string("latin1")
            out.append(0x86)
            op("R")
        }
    }

    mutating func global(_ module: String, _ name: String) {
        op("c")
        out.append(Data("\(module)\n\(name)\n".utf8))
    }

    /// numpy.dtype('f4', False, True) with BUILD state (3, '<', None, None, None, -1, -1, 0).
    mutating func dtypeValue(_ dtype: NumpyDType) {
        global("numpy", "dtype")
        string(dtype.typeCode)
        out.append(0x89)
        out.append(0x88)
        out.append(0x87)
        op("R")
        op("(")
        int(3)
        string(dtype.itemSize == 1 ? "|" : (dtype.littleEndian ? "<" : ">"))
        op("N"); op("N"); op("N")
        op("J"); uint(UInt64(UInt32.max), bytes: 4)
        op("J"); uint(UInt64(UInt32.max), bytes: 4)
        int(0)
        op("t")
        op("b")
    }
}
