// Unpickler: loads a pickle with the restricted PickleMachine and turns its result into plain PickleValues.
// It executes nothing: the few callables it knows (PickleGlobal) are interpreted, every other global is refused.
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
        return try machine.value(of: root, depth: 0)
    }

    /// Loads the pickle file at `url`.
    public static func load(contentsOf url: URL) throws -> PickleValue {
        try load(try readInputFile(url), path: url.path)
    }
}

extension PickleMachine {
    // MARK: - Final values

    /// Turns the VM's graph into plain values. Every value made is charged to `budget`, and every array, str and
    /// bytes its size each time it appears: consumers copy each occurrence, so a shared one is paid for each time.
    mutating func value(of node: PickleNode, depth: Int) throws -> PickleValue {
        guard depth < Unpickler.maxDepth else { throw fail("containers nested deeper than \(Unpickler.maxDepth)") }
        try budget.charge(values: 1)
        switch node {
        case .value(let plain):
            switch plain {
            case .string(let text): try budget.charge(bytes: text.utf8.count)
            case .bytes(let data): try budget.charge(bytes: data.count)
            case .array(let array): try budget.charge(bytes: array.data.count)
            default: break
            }
            return plain
        case .tuple(let box): return .tuple(try box.items.map { try value(of: $0, depth: depth + 1) })
        case .list(let box): return .list(try box.items.map { try value(of: $0, depth: depth + 1) })
        case .dict(let box):
            return .dict(try box.entries.map {
                PickleEntry(try value(of: $0.0, depth: depth + 1), try value(of: $0.1, depth: depth + 1))
            })
        case .array(let box):
            guard let array = box.array else { throw fail("a numpy array was never filled by BUILD") }
            try budget.charge(bytes: array.data.count)
            return .array(array)
        case .dtype(let box): return .dtype(box.dtype)
        case .global(.extension(let name)): return .string(name)  // e.g. torch.FloatStorage inside a persistent id
        case .global: throw fail("a bare global is not data")
        }
    }
}
