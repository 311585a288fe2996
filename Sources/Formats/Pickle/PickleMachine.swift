// PickleMachine: the pickle virtual machine's state and opcode loop (protocols 2–5), bounds- and limit-checked.
import Foundation

/// A tuple on the VM stack. A box, like every container, so that the machine frees them all iteratively
/// (breakCycles): 70 000 nested tuples released recursively would overflow the thread's stack.
final class PickleTupleBox { var items: [PickleNode] = [] }
/// A mutable list on the VM stack (APPEND may reach it through the memo).
final class PickleListBox { var items: [PickleNode] = [] }
/// A mutable dict on the VM stack (SETITEM may reach it through the memo).
final class PickleDictBox { var entries: [(PickleNode, PickleNode)] = [] }
/// The empty ndarray `_reconstruct` makes; BUILD fills it.
final class PickleArrayBox { var array: NumpyArray? }
/// A numpy dtype; BUILD sets its byte order.
final class PickleDTypeBox {
    var dtype: NumpyDType
    init(_ dtype: NumpyDType) { self.dtype = dtype }
}

/// A value while the VM runs: plain values as they will be loaded, plus the mutable boxes and callables.
enum PickleNode {
    case value(PickleValue)  // none, bool, int, float, str, bytes, numpy scalar
    case tuple(PickleTupleBox), list(PickleListBox), dict(PickleDictBox)
    case array(PickleArrayBox), dtype(PickleDTypeBox)
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

struct PickleMachine {
    var reader: ByteReader
    var stack: [PickleNode] = []
    var marks: [Int] = []
    var memo: [Int: PickleNode] = [:]
    /// Every container made, so that a list holding itself (a cycle) and containers nested deeply are freed
    /// one by one afterwards, never by recursion.
    var tuples: [PickleTupleBox] = []
    var lists: [PickleListBox] = []
    var dicts: [PickleDictBox] = []
    /// What the load may still materialise (PickleBudget); everything that copies or multiplies data charges it.
    var budget: PickleBudget
    /// A format built on pickles (PyTorch checkpoints) that accepts a few more globals and persistent ids.
    var pickleExtension: (any PickleExtension)?
    var path: String { reader.path }

    /// Empties every container the run made; the plain values already taken out are unaffected. Each box is
    /// still held by these lists while it is emptied, so releasing its items never cascades into other boxes.
    func breakCycles() {
        for tuple in tuples { tuple.items = [] }
        for list in lists { list.items = [] }
        for dict in dicts { dict.entries = [] }
    }

    mutating func newTuple(_ items: [PickleNode]) -> PickleNode {
        let box = PickleTupleBox()
        box.items = items
        tuples.append(box)
        return .tuple(box)
    }

    mutating func newList(_ items: [PickleNode] = []) -> PickleNode {
        let box = PickleListBox()
        box.items = items
        lists.append(box)
        return .list(box)
    }

    mutating func newDict(_ entries: [(PickleNode, PickleNode)] = []) -> PickleNode {
        let box = PickleDictBox()
        box.entries = entries
        dicts.append(box)
        return .dict(box)
    }

    init(_ reader: ByteReader) {
        self.reader = reader
        budget = PickleBudget(fileSize: reader.data.count, path: reader.path)
    }

    func fail(_ reason: String) -> FormatError { .malformed(path, "bad pickle: \(reason)") }

    mutating func push(_ node: PickleNode) throws {
        guard stack.count < Unpickler.maxStack else { throw fail("stack deeper than \(Unpickler.maxStack) items") }
        stack.append(node)
    }

    mutating func pop(_ opcode: String) throws -> PickleNode {
        guard let top = stack.popLast() else { throw fail("\(opcode) on an empty stack at offset \(reader.offset)") }
        if let mark = marks.last, stack.count < mark { throw fail("\(opcode) crosses a MARK at offset \(reader.offset)") }
        return top
    }

    /// Pops everything above the newest MARK.
    mutating func popMark(_ opcode: String) throws -> [PickleNode] {
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

    mutating func global(module: String, name: String) throws -> PickleNode {
        if let pickleExtension, pickleExtension.accepts(module: module, name: name) { return .global(.extension("\(module).\(name)")) }
        guard let global = PickleGlobal(module: module, name: name) else {
            throw fail("refuses to load the global \(module).\(name) (only \(pickleExtension?.allowed ?? "numpy arrays and plain data") are allowed)")
        }
        return .global(global)
    }

    /// Runs opcodes until STOP; returns the value STOP pops.
    mutating func run() throws -> PickleNode {
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
            case UInt8(ascii: ")"): try push(newTuple([]))
            case 0x85: try push(newTuple([try pop("TUPLE1")]))
            case 0x86:
                let b = try pop("TUPLE2"), a = try pop("TUPLE2")
                try push(newTuple([a, b]))
            case 0x87:
                let c = try pop("TUPLE3"), b = try pop("TUPLE3"), a = try pop("TUPLE3")
                try push(newTuple([a, b, c]))
            case UInt8(ascii: "t"): try push(newTuple(try popMark("TUPLE")))
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

            case 0x51 where pickleExtension != nil:  // BINPERSID, for an extension only
                let pid = try pop("BINPERSID")
                try push(.value(try pickleExtension!.persistentLoad(try value(of: pid, depth: 0))))
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

    func list(_ opcode: String) throws -> PickleListBox {
        guard case .list(let box) = stack.last else { throw fail("\(opcode) needs a list, found \(stack.last?.typeName ?? "nothing")") }
        return box
    }

    func dict(_ opcode: String) throws -> PickleDictBox {
        guard case .dict(let box) = stack.last else { throw fail("\(opcode) needs a dict, found \(stack.last?.typeName ?? "nothing")") }
        return box
    }

    func pairs(_ items: [PickleNode], _ opcode: String) throws -> [(PickleNode, PickleNode)] {
        guard items.count % 2 == 0 else { throw fail("\(opcode) with an odd number of items") }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }
}
