// PickleMachine+Calls: what REDUCE/NEWOBJ/BUILD do with the few allowed globals (PickleGlobal): numpy arrays,
// dtypes and scalars, OrderedDict, _codecs.encode. Nothing else can be called.
import Foundation

extension PickleMachine {
    mutating func call(_ callable: PickleNode, _ args: PickleNode) throws -> PickleNode {
        guard case .global(let global) = callable else { throw fail("cannot call a \(callable.typeName)") }
        guard case .tuple(let argsBox) = args else { throw fail("call arguments must be a tuple, got \(args.typeName)") }
        let a = argsBox.items
        switch global {
        case .reconstruct:  // _reconstruct(numpy.ndarray, (0,), b'b') → an empty array BUILD fills
            guard a.count == 3, case .global(.ndarray) = a[0] else { throw fail("_reconstruct expects (numpy.ndarray, shape, typecode)") }
            return .array(PickleArrayBox())
        case .dtype:  // dtype('f4', False, True)
            guard let first = a.first, case .value(.string(let descr)) = first else { throw fail("numpy.dtype expects a type string") }
            guard let dtype = NumpyDType(descr) else { throw fail("unsupported numpy dtype '\(descr)'") }
            return .dtype(PickleDTypeBox(dtype))
        case .scalar:  // scalar(dtype, raw bytes)
            guard a.count == 2, case .dtype(let box) = a[0] else { throw fail("numpy scalar expects (dtype, bytes)") }
            let raw = try rawBytes(a[1], "numpy scalar")
            return .value(.array(try NumpyArray(dtype: box.dtype, shape: [], data: raw, path: path)))
        case .fromBuffer:  // _frombuffer(buffer, dtype, shape, order)
            guard a.count == 4, case .dtype(let box) = a[1] else { throw fail("_frombuffer expects (buffer, dtype, shape, order)") }
            let raw = try rawBytes(a[0], "_frombuffer")
            guard case .value(.string(let order)) = a[3], order == "C" || order == "F" else { throw fail("_frombuffer order must be 'C' or 'F'") }
            let dims = try shape(a[2])
            if order == "F" && dims.count > 1 { try budget.charge(bytes: raw.count) }  // reordered into a copy
            let array = try NumpyArray(dtype: box.dtype, shape: dims, data: raw, fortranOrder: order == "F", path: path)
            let result = PickleArrayBox()
            result.array = array
            return .array(result)
        case .orderedDict:
            var entries: [(PickleNode, PickleNode)] = []
            if let items = a.first {
                let rows: [PickleNode]
                switch items {
                case .list(let list): rows = list.items
                case .tuple(let t): rows = t.items
                default: throw fail("OrderedDict expects a list of pairs")
                }
                for row in rows {  // Python 3 pairs are tuples, Python 2's OrderedDict pickles [key, value] lists
                    let pair: [PickleNode]
                    switch row {
                    case .tuple(let t): pair = t.items
                    case .list(let list): pair = list.items
                    default: pair = []
                    }
                    guard pair.count == 2 else { throw fail("OrderedDict expects (key, value) pairs") }
                    try budget.charge(values: 1)  // one OrderedDict may copy a shared list many times
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
            try budget.charge(bytes: text.utf8.count)
            return .value(.bytes(try latin1(text)))
        case .ndarray:
            throw fail("numpy.ndarray may only appear as an argument of _reconstruct")
        case .extension(let name):
            guard let pickleExtension else { throw fail("cannot call \(name)") }
            return .value(try pickleExtension.call(name, try a.map { try value(of: $0, depth: 0) }))
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
    mutating func rawBytes(_ node: PickleNode, _ what: String) throws -> Data {
        switch node {
        case .value(.bytes(let data)): return data
        case .value(.string(let text)):
            try budget.charge(bytes: text.utf8.count)  // a copy, made again each time a shared str is used
            return try latin1(text)
        default: throw fail("\(what) data must be bytes, got \(node.typeName)")
        }
    }

    func shape(_ node: PickleNode) throws -> [Int] {
        guard case .tuple(let dims) = node else { throw fail("array shape must be a tuple, got \(node.typeName)") }
        guard dims.items.count <= NumpyArray.maxRank else {
            throw fail("array shape has \(dims.items.count) dimensions (numpy allows \(NumpyArray.maxRank))")
        }
        return try dims.items.map {
            guard case .value(.int(let d)) = $0, d >= 0 else { throw fail("array shape holds a \($0.typeName) that is not a size") }
            return d
        }
    }

    mutating func build(_ target: PickleNode, _ state: PickleNode) throws {
        switch target {
        case .array(let box):
            // (version, shape, dtype, is_fortran, raw) or without the version
            guard case .tuple(let stateBox) = state, case var s = stateBox.items else { throw fail("ndarray state must be a tuple") }
            if s.count == 5 { s.removeFirst() }
            guard s.count == 4, case .dtype(let dtype) = s[1] else { throw fail("ndarray state must be (shape, dtype, fortran, data)") }
            let fortran: Bool
            switch s[2] {
            case .value(.bool(let b)): fortran = b
            case .value(.int(let i)): fortran = i != 0
            default: throw fail("ndarray fortran flag is a \(s[2].typeName)")
            }
            if case .list = s[3] { throw fail("object arrays are not supported") }
            let dims = try shape(s[0]), raw = try rawBytes(s[3], "ndarray")
            if fortran && dims.count > 1 { try budget.charge(bytes: raw.count) }  // reordered into a copy
            box.array = try NumpyArray(dtype: dtype.dtype, shape: dims, data: raw, fortranOrder: fortran, path: path)
        case .dtype(let box):
            // (version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata])
            guard case .tuple(let stateBox) = state, case let s = stateBox.items, s.count >= 5, case .value(.string(let order)) = s[1] else { throw fail("dtype state is not a dtype's") }
            guard case .value(.none) = s[3], case .value(.none) = s[4] else { throw fail("structured numpy dtypes are not supported") }
            box.dtype.littleEndian = order != ">" || box.dtype.itemSize == 1
        case .dict:
            if case .value(.none) = state { return }
            if case .dict(let extra) = state, extra.entries.isEmpty || pickleExtension != nil { return }  // torch's _metadata
            throw fail("a dict cannot take BUILD state")
        default:
            throw fail("BUILD on a \(target.typeName)")
        }
    }
}
