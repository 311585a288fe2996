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
