// The Sinks module's one error type: a line for the user and an exit status (docs/architecture.md).
import Foundation

/// What can go wrong while setting up an event sink. Messages name the sink by its address without credentials.
public enum SinkError: Error, Equatable, LocalizedError, CustomNSError {
    /// A sink address or option that cannot be used (malformed URL, unknown scheme, unreadable password file).
    case usage(String)
    /// A file the sink needs (password, CA certificate) cannot be read.
    case input(String)
    /// The remote end refused us for good (wrong password, TLS handshake refused, not authorised).
    case unavailable(String)
    /// A C library call that should not fail did (out of memory, library not initialised).
    case library(String)

    public var errorDescription: String? {
        switch self {
        case .usage(let message), .input(let message), .unavailable(let message), .library(let message): message
        }
    }

    public var errorCode: Int {
        switch self {
        case .usage: 64
        case .input: 66
        case .unavailable: 69
        case .library: 70
        }
    }

    public static var errorDomain: String { "Vigil.Sinks" }
}
