// PickleGlobals: the only Python callables a Vigil pickle may name, and what calling each one builds.
import Foundation

/// A global a pickle may import; anything else is refused by name before it could be called.
enum PickleGlobal: Sendable {
    case reconstruct      // numpy.core.multiarray._reconstruct / numpy._core.multiarray._reconstruct
    case scalar           // numpy.core.multiarray.scalar
    case fromBuffer       // numpy.core.numeric._frombuffer (protocol 5 arrays)
    case dtype            // numpy.dtype
    case ndarray          // numpy.ndarray (only as _reconstruct's first argument)
    case orderedDict      // collections.OrderedDict
    case codecsEncode     // _codecs.encode(str, 'latin1')
    case `extension`(String)  // "module.name" a PickleExtension accepted; it interprets the call

    init?(module: String, name: String) {
        switch (module, name) {
        case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"): self = .reconstruct
        case ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"): self = .scalar
        case ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"): self = .fromBuffer
        case ("numpy", "dtype"): self = .dtype
        case ("numpy", "ndarray"): self = .ndarray
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("_codecs", "encode"): self = .codecsEncode
        default: return nil
        }
    }
}

/// A format built on pickles names the few extra globals it accepts and interprets them; the machine hands it plain
/// values only, so it can build data but never run code.
protocol PickleExtension {
    /// What the extension accepts, for the refusal of any other global.
    var allowed: String { get }
    /// Whether the pickle may name `module.name`.
    func accepts(module: String, name: String) -> Bool
    /// The value a persistent id (BINPERSID) stands for.
    func persistentLoad(_ pid: PickleValue) throws -> PickleValue
    /// Calls an accepted global ("module.name") with plain arguments.
    func call(_ global: String, _ arguments: [PickleValue]) throws -> PickleValue
}
