// TorchCheckpoint: PyTorch state dicts (`torch.save(model.state_dict())`) in the legacy serialization and in the zip
// format of torch ≥ 1.6, read with the restricted unpickler. Nothing is executed: the pickle may name only
// collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.*Storage; tensors are copied out of their
// storages honouring size, stride and offset, every index checked against the storage, every storage against the file.
import Foundation
import Tensor

/// A PyTorch checkpoint's tensors, in the state dict's order, as row-major Float32.
public struct TorchCheckpoint: Sendable {
    /// Keys in the order the state dict holds them.
    public var names: [String]
    /// Every tensor by key (integer tensors such as `num_batches_tracked` converted to Float).
    public var tensors: [String: Tensor]

    /// Reads a `.pth` / `.pt` file.
    public init(contentsOf url: URL) throws {
        try self.init(try readInputFile(url), path: url.path)
    }

    /// Reads a checkpoint held in `data`; errors name `path`.
    public init(_ data: Data, path: String) throws {
        let layout: TorchLayout
        if data.starts(with: [0x50, 0x4b, 0x03, 0x04]) {
            layout = try TorchLayout(zip: data, path: path)
        } else if data.starts(with: TorchLayout.legacyMagic) {
            layout = try TorchLayout(legacy: data, path: path)
        } else {
            throw FormatError.malformed(path, "not a PyTorch checkpoint (neither a zip archive nor the legacy magic number)")
        }
        names = layout.names
        tensors = try layout.materialize()
    }

    /// Whether the file starts like a PyTorch checkpoint (legacy magic number or a zip holding `data.pkl`).
    public static func looksLikeCheckpoint(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url), let head = try? handle.read(upToCount: 15) else { return false }
        try? handle.close()
        return head.starts(with: TorchLayout.legacyMagic) || head.starts(with: [0x50, 0x4b, 0x03, 0x04])
    }
}

/// A storage a persistent id named: element type and count, and once read its raw little-endian bytes.
struct TorchStorage {
    var type: TorchStorageType
    var count: Int
    var bytes: Data?
}

/// The storage classes a state dict may hold.
enum TorchStorageType: String {
    case float = "FloatStorage", double = "DoubleStorage", half = "HalfStorage", bfloat16 = "BFloat16Storage"
    case long = "LongStorage", int = "IntStorage", short = "ShortStorage", char = "CharStorage", byte = "ByteStorage"
    case bool = "BoolStorage"

    var itemSize: Int {
        switch self {
        case .double, .long: return 8
        case .float, .int: return 4
        case .half, .bfloat16, .short: return 2
        case .char, .byte, .bool: return 1
        }
    }

    /// Element `i` of little-endian `raw` as Float.
    func element(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Float {
        switch self {
        case .float: return Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)
        case .double: return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
        case .half: return Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian))
        case .bfloat16: return Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
        case .long: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        case .int: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .short: return Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .char: return Float(Int8(bitPattern: raw[i]))
        case .byte, .bool: return Float(raw[i])
        }
    }
}

/// A tensor `_rebuild_tensor_v2` described: a view of a storage.
struct TorchTensorView {
    var storage: String
    var offset: Int
    var size: [Int]
    var stride: [Int]
}

/// The unpickler's extension for state dicts: storages by persistent id, tensors by `_rebuild_tensor_v2`.
final class TorchPickleExtension: PickleExtension {
    let path: String
    var storages: [String: TorchStorage] = [:]
    var views: [TorchTensorView] = []
    let allowed = "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.*Storage"
    static let storageTag = "torch.storage", tensorTag = "torch.tensor"

    init(path: String) { self.path = path }

    func fail(_ reason: String) -> FormatError { .malformed(path, "bad PyTorch checkpoint: \(reason)") }

    func accepts(module: String, name: String) -> Bool {
        (module == "torch._utils" && name == "_rebuild_tensor_v2") || (module == "torch" && TorchStorageType(rawValue: name) != nil)
    }

    /// ('storage', torch.FloatStorage, key, location, count[, None]) → a tagged reference to the storage.
    func persistentLoad(_ pid: PickleValue) throws -> PickleValue {
        guard case .tuple(let t) = pid, t.count == 5 || t.count == 6, t[0].text == "storage",
              let typeName = t[1].text, typeName.hasPrefix("torch."),
              let type = TorchStorageType(rawValue: String(typeName.dropFirst("torch.".count))),
              let key = t[2].text, case .int(let count) = t[4], count >= 0
        else { throw fail("persistent id \(pid.typeName) is not a storage reference") }
        if t.count == 6, t[5] != .none { throw fail("storage views (legacy view metadata) are not supported") }
        if let known = storages[key], known.type != type || known.count != count {
            throw fail("storage \(key) is named with two different types or sizes")
        }
        storages[key] = TorchStorage(type: type, count: count)
        return .tuple([.string(Self.storageTag), .string(key)])
    }

    /// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]).
    func call(_ global: String, _ arguments: [PickleValue]) throws -> PickleValue {
        guard global == "torch._utils._rebuild_tensor_v2" else { throw fail("\(global) cannot be called") }
        guard arguments.count >= 6, case .tuple(let storage) = arguments[0], storage.count == 2,
              storage[0].text == Self.storageTag, let key = storage[1].text,
              case .int(let offset) = arguments[1], offset >= 0,
              let size = integers(arguments[2]), let stride = integers(arguments[3]), size.count == stride.count
        else { throw fail("_rebuild_tensor_v2 expects (storage, offset, size, stride, …)") }
        views.append(TorchTensorView(storage: key, offset: offset, size: size, stride: stride))
        return .tuple([.string(Self.tensorTag), .int(views.count - 1)])
    }

    private func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .int(let v) = item, v >= 0 else { return nil }
            out.append(v)
        }
        return out
    }
}

/// The pieces of a checkpoint once its pickle is read and its storages are located.
struct TorchLayout {
    /// The legacy format's first pickle: the magic number 0x1950a86a20f9469cfc6c as a LONG1.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]

    let path: String
    var names: [String] = []
    var entries: [Int] = []  // view index per name
    let pickle: TorchPickleExtension

    init(path: String, names: [String], entries: [Int], pickle: TorchPickleExtension) {
        self.path = path
        self.names = names
        self.entries = entries
        self.pickle = pickle
    }

    /// The legacy serialization: magic, protocol version, sys info, the state dict, the storage keys, the storages.
    init(legacy data: Data, path: String) throws {
        self.path = path
        pickle = TorchPickleExtension(path: path)
        var reader = ByteReader(data, path: path)
        try reader.skip(Self.legacyMagic.count, "magic number")
        guard case .int(1001) = try Self.unpickle(&reader, nil) else { throw pickle.fail("protocol version is not 1001") }
        guard case .dict = try Self.unpickle(&reader, nil) else { throw pickle.fail("sys info is not a dict") }
        let root = try Self.unpickle(&reader, pickle)
        guard case .list(let keys) = try Self.unpickle(&reader, nil) else { throw pickle.fail("storage key list is not a list") }
        for keyValue in keys {
            guard let key = keyValue.text, var storage = pickle.storages[key] else {
                throw pickle.fail("storage key \(keyValue.text ?? keyValue.typeName) was not named by the state dict")
            }
            let count = try reader.uint64LE("storage \(key) element count")
            guard count == UInt64(storage.count) else {
                throw pickle.fail("storage \(key) holds \(count) elements, its persistent id says \(storage.count)")
            }
            let (bytes, overflow) = storage.count.multipliedReportingOverflow(by: storage.type.itemSize)
            guard !overflow else { throw pickle.fail("storage \(key) is too large") }
            storage.bytes = try reader.bytes(bytes, "storage \(key)")
            pickle.storages[key] = storage
        }
        guard reader.isAtEnd else { throw pickle.fail("\(reader.remaining) bytes after the last storage") }
        try collect(root)
    }

    /// The zip format: `<name>/data.pkl` and each storage in `<name>/data/<key>`.
    init(zip data: Data, path: String) throws {
        self.path = path
        pickle = TorchPickleExtension(path: path)
        let archive = try StoredZip(data, path: path)
        guard let pickleName = archive.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) else {
            throw pickle.fail("the zip archive holds no data.pkl")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        var reader = ByteReader(try archive.entry(pickleName), path: path)
        let root = try Self.unpickle(&reader, pickle)
        for (key, var storage) in pickle.storages {
            let bytes = try archive.entry(prefix + "data/" + key)
            guard bytes.count == storage.count * storage.type.itemSize else {
                throw pickle.fail("storage \(key) holds \(bytes.count) bytes, its persistent id says \(storage.count) elements")
            }
            storage.bytes = bytes
            pickle.storages[key] = storage
        }
        try collect(root)
    }

    /// Runs one pickle from the reader's offset; moves the reader past its STOP.
    static func unpickle(_ reader: inout ByteReader, _ pickleExtension: TorchPickleExtension?) throws -> PickleValue {
        var machine = PickleMachine(reader)
        machine.pickleExtension = pickleExtension
        defer { machine.breakCycles() }
        let root = try machine.run()
        let value = try machine.value(of: root, depth: 0)
        reader = machine.reader
        return value
    }

    /// The state dict: a dict of names to tensors (a whole-module pickle is refused by the globals it needs).
    private mutating func collect(_ root: PickleValue) throws {
        guard let items = root.entries else { throw pickle.fail("the pickle holds a \(root.typeName), not a state dict") }
        for item in items {
            guard let name = item.key.text else { throw pickle.fail("a state dict key is a \(item.key.typeName)") }
            guard case .tuple(let tag) = item.value, tag.count == 2, tag[0].text == TorchPickleExtension.tensorTag,
                  case .int(let index) = tag[1]
            else { throw pickle.fail("\(name) is a \(item.value.typeName), not a tensor") }
            names.append(name)
            entries.append(index)
        }
    }

    /// Copies every tensor out of its storage in row-major order; indices are checked before any is read.
    func materialize() throws -> [String: Tensor] {
        let limit = pickle.storages.values.reduce(0) { $0 + $1.count }  // a state dict never broadcasts past its storages
        // Views may share a storage (tied weights), but 10^5 keys viewing one large storage must not copy it 10^5
        // times: all views together may hold twice the storages' elements, plus 2^20 (docs/robustness.md).
        let totalLimit = 2 * limit + (1 << 20)
        var total = 0
        var out: [String: Tensor] = [:]
        for (name, index) in zip(names, entries) {
            let view = pickle.views[index]
            guard let storage = pickle.storages[view.storage], let raw = storage.bytes else {
                throw pickle.fail("\(name): storage \(view.storage) is missing from the file")
            }
            var count = 1, last = view.offset
            for (size, stride) in zip(view.size, view.stride) {
                let (product, overflow) = count.multipliedReportingOverflow(by: size)
                guard !overflow, product <= limit else { throw pickle.fail("\(name) of size \(view.size) is larger than the file") }
                count = product
                if size > 0 { last += (size - 1) * stride }
            }
            total += count
            guard total <= totalLimit else {
                throw pickle.fail("its tensors would hold more than \(totalLimit) elements (2 × its storages' + 2^20): views share storages many times")
            }
            guard count == 0 || last < storage.count else {
                throw pickle.fail("\(name) (size \(view.size), stride \(view.stride), offset \(view.offset)) reads past its storage of \(storage.count)")
            }
            var scalars = [Float](repeating: 0, count: count)
            raw.withUnsafeBytes { bytes in
                var index = [Int](repeating: 0, count: view.size.count)
                var from = view.offset
                for linear in 0..<count {
                    scalars[linear] = storage.type.element(bytes, from)
                    var axis = view.size.count - 1
                    while axis >= 0 {  // odometer over the axes, innermost first
                        index[axis] += 1
                        from += view.stride[axis]
                        if index[axis] < view.size[axis] { break }
                        from -= index[axis] * view.stride[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
            guard out.updateValue(Tensor(shape: view.size, scalars: scalars), forKey: name) == nil else {
                throw pickle.fail("the key \(name) appears twice")
            }
        }
        return out
    }
}
