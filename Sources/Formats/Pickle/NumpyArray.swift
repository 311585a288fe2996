// NumpyArray: a numpy ndarray or scalar rebuilt from a pickle (dtype, shape, raw bytes), convertible to Float.
import Foundation
import Tensor

/// A numpy dtype Vigil can hold: booleans, integers and floats of a fixed width and byte order.
public struct NumpyDType: Sendable, Equatable, CustomStringConvertible {
    /// numpy's kind letter: `f` float, `i` signed, `u` unsigned, `b` bool.
    public var kind: Character
    /// Bytes per element.
    public var itemSize: Int
    /// Byte order of the stored elements (true for `<`, `|`, `=` on the little-endian machines Vigil runs on).
    public var littleEndian: Bool

    /// Parses a numpy type string such as `f4`, `<u1`, `>i8`, `b1`; anything else is nil.
    public init?(_ descr: String) {
        var text = Substring(descr)
        var little = true
        if let first = text.first, "<>|=".contains(first) {
            little = first != ">"
            text = text.dropFirst()
        }
        guard let kind = text.first, let size = Int(text.dropFirst()) else { return nil }
        let supported: [Character: [Int]] = ["f": [2, 4, 8], "i": [1, 2, 4, 8], "u": [1, 2, 4, 8], "b": [1]]
        guard supported[kind]?.contains(size) == true else { return nil }
        self.kind = kind
        self.itemSize = size
        self.littleEndian = little || size == 1
    }

    public static let float32 = NumpyDType("<f4")!
    public static let uint8 = NumpyDType("|u1")!
    public static let int32 = NumpyDType("<i4")!

    /// numpy's `dtype.str`, e.g. `<f4`, `|u1`.
    public var description: String { "\(itemSize == 1 ? "|" : (littleEndian ? "<" : ">"))\(kind)\(itemSize)" }
    /// The type string numpy.dtype's pickle passes (`f4`, `u1`).
    var typeCode: String { "\(kind)\(itemSize)" }
}

/// A numpy array (a scalar has shape `[]`) with its elements as raw bytes in C order.
public struct NumpyArray: Sendable, Equatable {
    public var dtype: NumpyDType
    public var shape: [Int]
    /// `shape.product × dtype.itemSize` bytes, C (row-major) order, byte order as `dtype`.
    public var data: Data

    /// Element count, or nil if the shape overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The most dimensions an array may have: numpy's own limit (NPY_MAXDIMS).
    public static let maxRank = 64

    /// An array whose byte count is checked against its shape; `fortranOrder` data is reordered to C order.
    init(dtype: NumpyDType, shape: [Int], data: Data, fortranOrder: Bool = false, path: String) throws {
        guard shape.count <= NumpyArray.maxRank else {
            throw FormatError.malformed(path, "numpy array has \(shape.count) dimensions (numpy allows \(NumpyArray.maxRank))")
        }
        guard let count = NumpyArray.elementCount(shape),
              case let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize), !overflow
        else { throw FormatError.malformed(path, "numpy array has an invalid shape \(shape)") }
        guard bytes == data.count else {
            throw FormatError.malformed(
                path, "numpy array of shape \(shape) and dtype \(dtype) needs \(bytes) bytes but holds \(data.count)")
        }
        self.dtype = dtype
        self.shape = shape
        self.data = fortranOrder && shape.count > 1 ? NumpyArray.cOrder(data, shape: shape, itemSize: dtype.itemSize) : data
    }

    public var count: Int { shape.reduce(1, *) }

    /// Rearranges column-major (Fortran) bytes into row-major order, in time linear in the bytes: the source
    /// offset is kept up to date as the C-order index advances (an odometer), never recomputed over all axes.
    private static func cOrder(_ data: Data, shape: [Int], itemSize: Int) -> Data {
        let dims = shape.filter { $0 != 1 }  // an axis of size 1 moves nothing
        let count = dims.reduce(1, *)
        guard dims.count > 1, count > 0 else { return data }
        var fortranStrides = [Int](repeating: itemSize, count: dims.count)
        for axis in 1..<dims.count { fortranStrides[axis] = fortranStrides[axis - 1] * dims[axis - 1] }
        var out = [UInt8](repeating: 0, count: data.count)
        data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            out.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
                var index = [Int](repeating: 0, count: dims.count)
                var from = 0
                for linear in 0..<count {
                    for b in 0..<itemSize { target[linear * itemSize + b] = source[from + b] }
                    var axis = dims.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        from += fortranStrides[axis]
                        if index[axis] < dims[axis] { break }
                        from -= dims[axis] * fortranStrides[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return Data(out)
    }

    /// The raw bits of element `i`, in the machine's byte order.
    private func bits(_ raw: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        let size = dtype.itemSize
        var bits: UInt64 = 0
        if dtype.littleEndian {
            for b in 0..<size { bits |= UInt64(raw[i * size + b]) << (8 * UInt64(b)) }
        } else {
            for b in 0..<size { bits = bits << 8 | UInt64(raw[i * size + b]) }
        }
        return bits
    }

    /// Element `i` of an integer or bool array (unsigned 64-bit values past Int.max wrap).
    private func integer(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Int {
        let value = bits(raw, i)
        guard dtype.kind == "i" else { return Int(truncatingIfNeeded: value) }
        let shift = UInt64(64 - 8 * dtype.itemSize)
        return Int(truncatingIfNeeded: Int64(bitPattern: value << shift) >> Int64(shift))
    }

    /// Element `i` as `Double` (exact for every supported dtype but 64-bit integers beyond 2^53).
    private func element(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Double {
        let value = bits(raw, i)
        switch (dtype.kind, dtype.itemSize) {
        case ("f", 2): return Double(Float(Float16(bitPattern: UInt16(value))))
        case ("f", 4): return Double(Float(bitPattern: UInt32(value)))
        case ("f", _): return Double(bitPattern: value)
        default: return Double(integer(raw, i))
        }
    }

    /// The elements as Float32: float32 is copied bit for bit, other dtypes are converted.
    public func floats() -> [Float] {
        let count = self.count
        if dtype.kind == "f" && dtype.itemSize == 4 && dtype.littleEndian {
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                _ = data.copyBytes(to: buffer)
                initialized = count
            }
        }
        if dtype.kind == "u" && dtype.itemSize == 1 {
            return data.map { Float($0) }
        }
        return data.withUnsafeBytes { raw in (0..<count).map { Float(element(raw, $0)) } }
    }

    /// The elements as `Double`.
    public func doubles() -> [Double] {
        data.withUnsafeBytes { raw in (0..<count).map { element(raw, $0) } }
    }

    /// The elements as Int; nil if the dtype is a float.
    public func integers() -> [Int]? {
        guard dtype.kind != "f" else { return nil }
        return data.withUnsafeBytes { raw in (0..<count).map { integer(raw, $0) } }
    }

    /// The array as a Float32 tensor of the same shape.
    public func tensor() -> Tensor {
        Tensor(shape: shape, scalars: floats())
    }

    /// Bytes per step when converting or comparing a mapped array piece by piece: at most this much of the file is
    /// resident beside the converted tensors (a 1 MB step costs nothing measurable over 8 MB).
    static let releaseChunk = 1 << 20

    /// Whether `other` holds the same bytes, compared piece by piece, each piece of both handed to `release` once
    /// compared (LSTM aliases: two 16 MB copies of W_hh are never resident in full at once).
    func sameBytes(as other: NumpyArray, releasing release: (Data) -> Void) -> Bool {
        defer {  // whole arrays too: the pages a piece boundary split belong to neither piece
            release(data)
            release(other.data)
        }
        guard data.count == other.data.count else { return false }
        var offset = 0
        while offset < data.count {
            let end = min(data.count, offset + NumpyArray.releaseChunk)
            let mine = data[(data.startIndex + offset)..<(data.startIndex + end)]
            let theirs = other.data[(other.data.startIndex + offset)..<(other.data.startIndex + end)]
            guard mine == theirs else { return false }
            release(mine)
            release(theirs)
            offset = end
        }
        return true
    }

    /// The array as a tensor, handing each converted piece of `data` to `release` as soon as it is copied, so a
    /// memory-mapped source and its copy are never both resident in full.
    func tensor(releasing release: (Data) -> Void) -> Tensor {
        guard dtype == .float32 else {
            defer { release(data) }
            return tensor()
        }
        let count = self.count
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while offset < data.count {
                let end = min(data.count, offset + NumpyArray.releaseChunk)
                let piece = data[(data.startIndex + offset)..<(data.startIndex + end)]
                piece.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: target[offset..<end]))
                release(piece)
                offset = end
            }
            release(data)  // the pages a piece boundary split
            initialized = count
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
