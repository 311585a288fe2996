// Unpickler: a restricted pickle virtual machine (protocols 2–5) that builds plain data and numpy arrays.
// It executes nothing: the few callables it knows (PickleGlobal) are interpreted here, every other global is refused.
import Foundation

/// Loads pickles without running code; see docs/formats.md for the opcodes and globals it accepts.
public enum Unpickler {
    /// Largest number of memo entries, stack items and open MARKs a pickle may use.
    static let maxMemo = 1 << 20
    static let maxStack = 1 << 20
    static let maxMarks = 10_000
    /// Deepest nesting of containers in the loaded value.
    static let maxDepth = 200

    /// Loads the pickle in `data`; errors name `path`.
    public static func load(_ data: Data, path: String) throws -> PickleValue {
        var machine = PickleMachine(ByteReader(data, path: path))
        defer { machine.breakCycles() }
        let root = try machine.run()
        var budget = data.count + 1024
        return try machine.value(of: root, depth: 0, budget: &budget)
    }

    /// Loads the pickle file at `url`.
    public static func load(contentsOf url: URL) throws -> PickleValue {
        try load(try readInputFile(url), path: url.path)
    }
}

/// A mutable list on the VM stack (APPEND may reach it through the memo).
private final class ListBox { var items: [Node] = [] }
/// A mutable dict on the VM stack (SETITEM may reach it through the memo).
private final class DictBox { var entries: [(Node, Node)] = [] }
/// The empty ndarray `_reconstruct` makes; BUILD fills it.
private final class ArrayBox { var array: NumpyArray? }
/// A numpy dtype; BUILD sets its byte order.
private final class DTypeBox {
    var dtype: NumpyDType
    init(_ dtype: NumpyDType) { self.dtype = dtype }
}

/// A value while the VM runs: plain values as they will be loaded, plus the mutable boxes and callables.
private enum Node {
    case value(PickleValue)  // none, bool, int, float, str, bytes, numpy scalar
    case tuple([Node]), list(ListBox), dict(DictBox)
    case array(ArrayBox), dtype(DTypeBox)
    case global(PickleGlobal)

    var typeName: String {
        switch self {
        case .value(let value): return value.typeName
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .array: return "numpy array"
        case .dtype: return "numpy dtype"
        case .global: return "global"
        }
    }
}

private struct PickleMachine {
    var reader: ByteReader
    var stack: [Node] = []
    var marks: [Int] = []
    var memo: [Int: Node] = [:]
    /// Every mutable container made, so that a list holding itself (a cycle) can be freed afterwards.
    var lists: [ListBox] = []
    var dicts: [DictBox] = []
    var path: String { reader.path }

    /// Empties every container the run made; the plain values already taken out are unaffected.
    func breakCycles() {
        for list in lists { list.items = [] }
        for dict in dicts { dict.entries = [] }
    }

    mutating func newList(_ items: [Node] = []) -> Node {
        let box = ListBox()
        box.items = items
        lists.append(box)
        return .list(box)
    }

    mutating func newDict(_ entries: [(Node, Node)] = []) -> Node {
        let box = DictBox()
        box.entries = entries
        dicts.append(box)
        return .dict(box)
    }

    init(_ reader: ByteReader) { self.reader = reader }

    func fail(_ reason: String) -> FormatError { .malformed(path, "bad pickle: \(reason)") }

    mutating func push(_ node: Node) throws {
        guard stack.count < Unpickler.maxStack else { throw fail("stack deeper than \(Unpickler.maxStack) items") }
        stack.append(node)
    }

    mutating func pop(_ opcode: String) throws -> Node {
        guard let top = stack.popLast() else { throw fail("\(opcode) on an empty stack at offset \(reader.offset)") }
        if let mark = marks.last, stack.count < mark { throw fail("\(opcode) crosses a MARK at offset \(reader.offset)") }
        return top
    }

    /// Pops everything above the newest MARK.
    mutating func popMark(_ opcode: String) throws -> [Node] {
        guard let mark = marks.popLast() else { throw fail("\(opcode) without a MARK at offset \(reader.offset)") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    mutating func memoize(_ index: Int) throws {
        guard let top = stack.last else { throw fail("memo store on an empty stack") }
        guard memo[index] != nil || memo.count < Unpickler.maxMemo else {
            throw fail("more than \(Unpickler.maxMemo) memo entries")
        }
        memo[index] = top
    }

    mutating func recall(_ index: Int) throws {
        guard let node = memo[index] else { throw fail("memo entry \(index) read before it was written") }
        try push(node)
    }

    mutating func text(_ count: Int, _ what: String) throws -> String {
        let raw = try reader.bytes(count, what)
        guard let text = String(data: raw, encoding: .utf8) else { throw fail("\(what) is not valid UTF-8") }
        return text
    }

    mutating func global(module: String, name: String) throws -> Node {
        guard let global = PickleGlobal(module: module, name: name) else {
            throw fail("refuses to load the global \(module).\(name) (only numpy arrays and plain data are allowed)")
        }
        return .global(global)
    }

    /// Runs opcodes until STOP; returns the value STOP pops.
    mutating func run() throws -> Node {
        while true {
            let at = reader.offset
            let opcode = try reader.byte("opcode (the pickle ended before STOP)")
            switch opcode {
            case 0x80:  // PROTO
                let version = try reader.byte("PROTO")
                guard version <= 5 else { throw fail("protocol \(version) is newer than 5") }
            case 0x95:  // FRAME: framing is only a hint; its length must fit
                _ = try reader.length(8, "FRAME")
            case UInt8(ascii: "."):  // STOP
                let result = try pop("STOP")
                return result
            case UInt8(ascii: "("): // MARK
                guard marks.count < Unpickler.maxMarks else { throw fail("more than \(Unpickler.maxMarks) open MARKs") }
                marks.append(stack.count)
            case UInt8(ascii: "0"): _ = try pop("POP")
            case UInt8(ascii: "1"): _ = try popMark("POP_MARK")
            case UInt8(ascii: "2"):  // DUP
                guard let top = stack.last else { throw fail("DUP on an empty stack") }
                try push(top)

            // Memo
            case 0x94: try memoize(memo.count)                                  // MEMOIZE
            case UInt8(ascii: "q"): try memoize(Int(try reader.byte("BINPUT")))  // BINPUT
            case UInt8(ascii: "r"): try memoize(Int(try reader.uint32LE("LONG_BINPUT")))
            case UInt8(ascii: "h"): try recall(Int(try reader.byte("BINGET")))
            case UInt8(ascii: "j"): try recall(Int(try reader.uint32LE("LONG_BINGET")))

            // Constants and numbers
            case UInt8(ascii: "N"): try push(.value(.none))
            case 0x88: try push(.value(.bool(true)))
            case 0x89: try push(.value(.bool(false)))
            case UInt8(ascii: "K"): try push(.value(.int(Int(try reader.byte("BININT1")))))
            case UInt8(ascii: "M"): try push(.value(.int(Int(try reader.uint16LE("BININT2")))))
            case UInt8(ascii: "J"): try push(.value(.int(Int(try reader.int32LE("BININT")))))
            case 0x8a: try push(.value(.int(try long(Int(try reader.byte("LONG1"))))))
            case 0x8b: try push(.value(.int(try long(try reader.length(4, "LONG4")))))
            case UInt8(ascii: "G"): try push(.value(.float(try reader.float64BE("BINFLOAT"))))

            // Strings and bytes
            case UInt8(ascii: "X"): try push(.value(.string(try text(try reader.length(4, "BINUNICODE"), "BINUNICODE"))))
            case 0x8c: try push(.value(.string(try text(try reader.length(1, "SHORT_BINUNICODE"), "SHORT_BINUNICODE"))))
            case 0x8d: try push(.value(.string(try text(try reader.length(8, "BINUNICODE8"), "BINUNICODE8"))))
            case UInt8(ascii: "T"):  // BINSTRING: a signed length
                let length = try reader.int32LE("BINSTRING length")
                try push(.value(.bytes(try reader.bytes(Int(length), "BINSTRING"))))
            case UInt8(ascii: "U"): try push(.value(.bytes(try reader.bytes(try reader.length(1, "SHORT_BINSTRING"), "SHORT_BINSTRING"))))
            case UInt8(ascii: "B"): try push(.value(.bytes(try reader.bytes(try reader.length(4, "BINBYTES"), "BINBYTES"))))
            case UInt8(ascii: "C"): try push(.value(.bytes(try reader.bytes(try reader.length(1, "SHORT_BINBYTES"), "SHORT_BINBYTES"))))
            case 0x8e: try push(.value(.bytes(try reader.bytes(try reader.length(8, "BINBYTES8"), "BINBYTES8"))))
            case 0x96: try push(.value(.bytes(try reader.bytes(try reader.length(8, "BYTEARRAY8"), "BYTEARRAY8"))))

            // Containers
            case UInt8(ascii: ")"): try push(.tuple([]))
            case 0x85: try push(.tuple([try pop("TUPLE1")]))
            case 0x86:
                let b = try pop("TUPLE2"), a = try pop("TUPLE2")
                try push(.tuple([a, b]))
            case 0x87:
                let c = try pop("TUPLE3"), b = try pop("TUPLE3"), a = try pop("TUPLE3")
                try push(.tuple([a, b, c]))
            case UInt8(ascii: "t"): try push(.tuple(try popMark("TUPLE")))
            case UInt8(ascii: "]"): try push(newList())
            case UInt8(ascii: "l"): try push(newList(try popMark("LIST")))
            case UInt8(ascii: "a"):  // APPEND
                let item = try pop("APPEND")
                try list("APPEND").items.append(item)
            case UInt8(ascii: "e"):  // APPENDS
                let items = try popMark("APPENDS")
                try list("APPENDS").items.append(contentsOf: items)
            case UInt8(ascii: "}"): try push(newDict())
            case UInt8(ascii: "d"): try push(newDict(try pairs(try popMark("DICT"), "DICT")))
            case UInt8(ascii: "s"):  // SETITEM
                let value = try pop("SETITEM"), key = try pop("SETITEM")
                try dict("SETITEM").entries.append((key, value))
            case UInt8(ascii: "u"):  // SETITEMS
                let items = try pairs(try popMark("SETITEMS"), "SETITEMS")
                try dict("SETITEMS").entries.append(contentsOf: items)

            // Globals and calls
            case UInt8(ascii: "c"):  // GLOBAL
                let module = try reader.line("GLOBAL module"), name = try reader.line("GLOBAL name")
                try push(try global(module: module, name: name))
            case 0x93:  // STACK_GLOBAL
                let name = try pop("STACK_GLOBAL"), module = try pop("STACK_GLOBAL")
                guard case .value(.string(let n)) = name, case .value(.string(let m)) = module else {
                    throw fail("STACK_GLOBAL needs two strings, got \(module.typeName) and \(name.typeName)")
                }
                try push(try global(module: m, name: n))
            case UInt8(ascii: "R"):  // REDUCE
                let args = try pop("REDUCE"), callable = try pop("REDUCE")
                try push(try call(callable, args))
            case 0x81:  // NEWOBJ: cls.__new__(cls, *args)
                let args = try pop("NEWOBJ"), cls = try pop("NEWOBJ")
                try push(try call(cls, args))
            case UInt8(ascii: "b"):  // BUILD
                let state = try pop("BUILD")
                guard let target = stack.last else { throw fail("BUILD on an empty stack") }
                try build(target, state)

            case UInt8(ascii: "P"), 0x51: throw fail("persistent ids are not supported (offset \(at))")
            case 0x97, 0x98: throw fail("out-of-band buffers are not supported (offset \(at))")
            default:
                let printable = (0x21...0x7e).contains(opcode) ? " '\(Character(UnicodeScalar(opcode)))'" : ""
                throw fail(String(format: "unsupported opcode 0x%02x", opcode) + "\(printable) at offset \(at)")
            }
        }
    }

    /// A little-endian two's-complement integer of `count` bytes (LONG1/LONG4); wider than 64 bits is refused.
    mutating func long(_ count: Int) throws -> Int {
        let raw = try reader.bytes(count, "LONG")
        guard count <= 8 else {
            // Accept wider encodings only when the extra bytes are pure sign extension.
            let extra = raw.suffix(count - 8)
            let sign: UInt8 = (raw[raw.startIndex + 7] & 0x80) != 0 ? 0xff : 0
            guard extra.allSatisfy({ $0 == sign }) else { throw fail("integer wider than 64 bits") }
            return try longValue(raw.prefix(8))
        }
        return try longValue(raw)
    }

    func longValue(_ raw: Data) throws -> Int {
        guard !raw.isEmpty else { return 0 }
        var bits: UInt64 = 0
        for (i, byte) in raw.enumerated() { bits |= UInt64(byte) << (8 * UInt64(i)) }
        let shift = UInt64(64 - 8 * raw.count)
        return Int(Int64(bitPattern: bits << shift) >> Int64(shift))
    }

    func list(_ opcode: String) throws -> ListBox {
        guard case .list(let box) = stack.last else { throw fail("\(opcode) needs a list, found \(stack.last?.typeName ?? "nothing")") }
        return box
    }

    func dict(_ opcode: String) throws -> DictBox {
        guard case .dict(let box) = stack.last else { throw fail("\(opcode) needs a dict, found \(stack.last?.typeName ?? "nothing")") }
        return box
    }

    func pairs(_ items: [Node], _ opcode: String) throws -> [(Node, Node)] {
        guard items.count % 2 == 0 else { throw fail("\(opcode) with an odd number of items") }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }

    // MARK: - The allowed callables

    mutating func call(_ callable: Node, _ args: Node) throws -> Node {
        guard case .global(let global) = callable else { throw fail("cannot call a \(callable.typeName)") }
        guard case .tuple(let a) = args else { throw fail("call arguments must be a tuple, got \(args.typeName)") }
        switch global {
        case .reconstruct:  // _reconstruct(numpy.ndarray, (0,), b'b') → an empty array BUILD fills
            guard a.count == 3, case .global(.ndarray) = a[0] else { throw fail("_reconstruct expects (numpy.ndarray, shape, typecode)") }
            return .array(ArrayBox())
        case .dtype:  // dtype('f4', False, True)
            guard let first = a.first, case .value(.string(let descr)) = first else { throw fail("numpy.dtype expects a type string") }
            guard let dtype = NumpyDType(descr) else { throw fail("unsupported numpy dtype '\(descr)'") }
            return .dtype(DTypeBox(dtype))
        case .scalar:  // scalar(dtype, raw bytes)
            guard a.count == 2, case .dtype(let box) = a[0] else { throw fail("numpy scalar expects (dtype, bytes)") }
            let raw = try rawBytes(a[1], "numpy scalar")
            return .value(.array(try NumpyArray(dtype: box.dtype, shape: [], data: raw, path: path)))
        case .fromBuffer:  // _frombuffer(buffer, dtype, shape, order)
            guard a.count == 4, case .dtype(let box) = a[1] else { throw fail("_frombuffer expects (buffer, dtype, shape, order)") }
            let raw = try rawBytes(a[0], "_frombuffer")
            guard case .value(.string(let order)) = a[3], order == "C" || order == "F" else { throw fail("_frombuffer order must be 'C' or 'F'") }
            let array = try NumpyArray(dtype: box.dtype, shape: try shape(a[2]), data: raw, fortranOrder: order == "F", path: path)
            let result = ArrayBox()
            result.array = array
            return .array(result)
        case .orderedDict:
            var entries: [(Node, Node)] = []
            if let items = a.first {
                let rows: [Node]
                switch items {
                case .list(let list): rows = list.items
                case .tuple(let t): rows = t
                default: throw fail("OrderedDict expects a list of pairs")
                }
                for row in rows {  // Python 3 pairs are tuples, Python 2's OrderedDict pickles [key, value] lists
                    let pair: [Node]
                    switch row {
                    case .tuple(let items): pair = items
                    case .list(let list): pair = list.items
                    default: pair = []
                    }
                    guard pair.count == 2 else { throw fail("OrderedDict expects (key, value) pairs") }
                    entries.append((pair[0], pair[1]))
                }
            }
            return newDict(entries)
        case .codecsEncode:  // _codecs.encode(str, 'latin1'): how Python 3 writes bytes in protocol 2
            guard a.count == 2, case .value(.string(let text)) = a[0], case .value(.string(let codec)) = a[1] else {
                throw fail("_codecs.encode expects (str, encoding)")
            }
            guard ["latin1", "latin-1", "latin_1", "iso-8859-1", "iso8859-1"].contains(codec.lowercased()) else {
                throw fail("_codecs.encode with encoding '\(codec)' (only latin1)")
            }
            return .value(.bytes(try latin1(text)))
        case .ndarray:
            throw fail("numpy.ndarray may only appear as an argument of _reconstruct")
        }
    }

    func latin1(_ text: String) throws -> Data {
        var out = Data(capacity: text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard scalar.value < 256 else { throw fail("latin1 text holds the code point U+\(String(scalar.value, radix: 16))") }
            out.append(UInt8(scalar.value))
        }
        return out
    }

    /// Bytes, or a str holding bytes as latin1 code points (Python 2 pickles read with encoding='latin1').
    func rawBytes(_ node: Node, _ what: String) throws -> Data {
        switch node {
        case .value(.bytes(let data)): return data
        case .value(.string(let text)): return try latin1(text)
        default: throw fail("\(what) data must be bytes, got \(node.typeName)")
        }
    }

    func shape(_ node: Node) throws -> [Int] {
        guard case .tuple(let dims) = node else { throw fail("array shape must be a tuple, got \(node.typeName)") }
        return try dims.map {
            guard case .value(.int(let d)) = $0, d >= 0 else { throw fail("array shape holds a \($0.typeName) that is not a size") }
            return d
        }
    }

    func build(_ target: Node, _ state: Node) throws {
        switch target {
        case .array(let box):
            // (version, shape, dtype, is_fortran, raw) or without the version
            guard case .tuple(var s) = state else { throw fail("ndarray state must be a tuple") }
            if s.count == 5 { s.removeFirst() }
            guard s.count == 4, case .dtype(let dtype) = s[1] else { throw fail("ndarray state must be (shape, dtype, fortran, data)") }
            let fortran: Bool
            switch s[2] {
            case .value(.bool(let b)): fortran = b
            case .value(.int(let i)): fortran = i != 0
            default: throw fail("ndarray fortran flag is a \(s[2].typeName)")
            }
            if case .list = s[3] { throw fail("object arrays are not supported") }
            box.array = try NumpyArray(
                dtype: dtype.dtype, shape: try shape(s[0]), data: try rawBytes(s[3], "ndarray"), fortranOrder: fortran, path: path)
        case .dtype(let box):
            // (version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata])
            guard case .tuple(let s) = state, s.count >= 5, case .value(.string(let order)) = s[1] else { throw fail("dtype state is not a dtype's") }
            guard case .value(.none) = s[3], case .value(.none) = s[4] else { throw fail("structured numpy dtypes are not supported") }
            box.dtype.littleEndian = order != ">" || box.dtype.itemSize == 1
        case .dict:
            if case .value(.none) = state { return }
            if case .dict(let extra) = state, extra.entries.isEmpty { return }
            throw fail("a dict cannot take BUILD state")
        default:
            throw fail("BUILD on a \(target.typeName)")
        }
    }

    // MARK: - Final values

    /// Turns the VM's graph into plain values; `budget` bounds the work for pickles that share one container many times.
    func value(of node: Node, depth: Int, budget: inout Int) throws -> PickleValue {
        guard depth < Unpickler.maxDepth else { throw fail("containers nested deeper than \(Unpickler.maxDepth)") }
        budget -= 1
        guard budget >= 0 else { throw fail("more values than the file's size allows (shared containers?)") }
        switch node {
        case .value(let plain): return plain
        case .tuple(let items): return .tuple(try items.map { try value(of: $0, depth: depth + 1, budget: &budget) })
        case .list(let box): return .list(try box.items.map { try value(of: $0, depth: depth + 1, budget: &budget) })
        case .dict(let box):
            return .dict(try box.entries.map {
                PickleEntry(try value(of: $0.0, depth: depth + 1, budget: &budget), try value(of: $0.1, depth: depth + 1, budget: &budget))
            })
        case .array(let box):
            guard let array = box.array else { throw fail("a numpy array was never filled by BUILD") }
            return .array(array)
        case .dtype(let box): return .dtype(box.dtype)
        case .global: throw fail("a bare global is not data")
        }
    }
}
