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
        var budget = data.count + 1024
        return try machine.value(of: root, depth: 0, budget: &budget)
    }

    /// Loads the pickle file at `url`.
    public static func load(contentsOf url: URL) throws -> PickleValue {
        try load(try readInputFile(url), path: url.path)
    }
}

extension PickleMachine {
    // MARK: - Final values

    /// Turns the VM's graph into plain values; `budget` bounds the work for pickles that share one container many times.
    func value(of node: PickleNode, depth: Int, budget: inout Int) throws -> PickleValue {
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
        case .global(.extension(let name)): return .string(name)  // e.g. torch.FloatStorage inside a persistent id
        case .global: throw fail("a bare global is not data")
        }
    }
}
