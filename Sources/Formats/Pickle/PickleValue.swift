// PickleValue: the plain data a restricted pickle can hold once loaded (no Python objects, no code).
import Foundation

/// A value loaded from a pickle: Python's plain data types plus numpy arrays, scalars and dtypes.
public indirect enum PickleValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// `bytes` (also Python 2 `str` from BINSTRING), sharing the file's storage.
    case bytes(Data)
    case list([PickleValue])
    case tuple([PickleValue])
    /// A dict (or `collections.OrderedDict`) in insertion order.
    case dict([PickleEntry])
    /// A numpy ndarray, or a numpy scalar (shape `[]`).
    case array(NumpyArray)
    case dtype(NumpyDType)

    /// Text of a `str`, or of `bytes` that are UTF-8 (Python 2 pickles store text as bytes).
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .bytes(let b): return String(data: b, encoding: .utf8)
        default: return nil
        }
    }

    /// The entries of a dict, or nil.
    public var entries: [PickleEntry]? {
        if case .dict(let entries) = self { return entries }
        return nil
    }

    /// The value stored under a `str` or `bytes` key equal to `key`.
    public subscript(key: String) -> PickleValue? {
        entries?.first { $0.key.text == key }?.value
    }

    /// A short name of the Python type, for error messages.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .array(let a): return a.shape.isEmpty ? "numpy scalar \(a.dtype)" : "numpy array \(a.dtype) \(a.shape)"
        case .dtype: return "numpy dtype"
        }
    }
}

/// One key/value pair of a pickled dict.
public struct PickleEntry: Sendable, Equatable {
    public var key: PickleValue
    public var value: PickleValue

    public init(_ key: PickleValue, _ value: PickleValue) {
        self.key = key
        self.value = value
    }
}
