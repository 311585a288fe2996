// The Cluster module's one error type and its one funnel for NATS C status codes (docs/cluster.md).
import CNATS
import Foundation

/// What can go wrong talking to a NATS cluster. Messages never carry credentials.
public enum ClusterError: Error, Equatable, LocalizedError, CustomNSError {
    /// A bad flag or name (a camera name that is not subject-safe, a bad --shard).
    case usage(String)
    /// NATS or JetStream cannot be reached, or an operation timed out.
    case unavailable(String)
    /// Something stored in NATS that this version cannot read (a bucket made by an incompatible version).
    case incompatible(String)
    /// A camera, bucket or consumer that does not exist.
    case notFound(String)
    /// A NATS call failed for another reason.
    case failed(String)
    /// A local file (credentials, CA) could not be read.
    case missingFile(String)

    public var errorDescription: String? {
        switch self {
        case .usage(let message), .unavailable(let message), .incompatible(let message), .notFound(let message),
            .failed(let message), .missingFile(let message):
            message
        }
    }

    public var errorCode: Int {
        switch self {
        case .usage: 64
        case .unavailable: 69
        case .incompatible: 65
        case .notFound, .missingFile: 66
        case .failed: 69
        }
    }

    public static var errorDomain: String { "Vigil.Cluster" }
}

/// The funnel every NATS C call goes through: a status other than NATS_OK becomes a ClusterError naming `what`.
enum NATSCall {
    /// Throws for any status but NATS_OK.
    static func check(_ status: natsStatus, _ what: @autoclosure () -> String, jsError: jsErrCode = jsErrCode(0))
        throws(ClusterError)
    {
        guard status != NATS_OK else { return }
        throw error(status, what(), jsError: jsError)
    }

    /// The ClusterError for `status` (not NATS_OK).
    static func error(_ status: natsStatus, _ what: String, jsError: jsErrCode = jsErrCode(0)) -> ClusterError {
        // The thread's last error text is the most specific (e.g. the server's JetStream description).
        let last = lastErrorText()
        let text = last.isEmpty ? String(cString: natsStatus_GetText(status)) : last
        let detail = jsError.rawValue != 0 ? "\(text) (JetStream error \(jsError.rawValue))" : text
        let message = "\(what): \(detail)"
        if jsError == JSClusterNotAvailErr { return .unavailable(message) }
        switch status {
        case NATS_NO_SERVER, NATS_TIMEOUT, NATS_CONNECTION_CLOSED, NATS_CONNECTION_DISCONNECTED, NATS_NO_RESPONDERS,
            NATS_STALE_CONNECTION, NATS_IO_ERROR, NATS_SSL_ERROR:
            return .unavailable(message)
        case NATS_NOT_FOUND: return .notFound(message)
        default: return .failed(message)
        }
    }

    /// The client's last error on this thread, without its source location (`(conn.c:4212): `).
    static func lastErrorText() -> String {
        let last = nats_GetLastError(nil).map { String(cString: $0) } ?? ""
        guard last.hasPrefix("("), let end = last.range(of: "): ") else { return last }
        return String(last[end.upperBound...])
    }

    /// True for the status of a key, stream or consumer that is not there.
    static func isNotFound(_ status: natsStatus, jsError: jsErrCode = jsErrCode(0)) -> Bool {
        status == NATS_NOT_FOUND || jsError == JSStreamNotFoundErr || jsError == JSConsumerNotFoundErr
    }
}
