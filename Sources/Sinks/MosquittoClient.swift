// The one owner of a libmosquitto client handle: connect with a last will, publish, report what the broker says.
import CMosquitto
import Foundation

/// What the client's network thread reports.
enum MosquittoNews: Sendable {
    /// The broker answered CONNECT: 0 accepted, otherwise the CONNACK code (4 bad user or password, 5 not authorised).
    case connected(code: Int32)
    /// The connection went away (0: we asked for it); libmosquitto reconnects by itself with backoff.
    case disconnected(code: Int32)
    /// The broker acknowledged the QoS 1 message with this id.
    case acknowledged(id: Int32)
}

/// A libmosquitto client running its own network thread (`mosquitto_loop_start`), reconnecting with exponential
/// backoff (1 s doubling to 30 s). `deinit` stops the thread and frees the handle.
final class MosquittoClient: @unchecked Sendable {
    private let handle: OpaquePointer
    private let news: @Sendable (MosquittoNews) -> Void
    private let lock = NSLock()
    private var started = false
    private var stopped = false

    private static let library: Void = { mosquitto_lib_init() }()

    /// A client for `address` whose last will publishes `will` (retained) when the connection drops without a
    /// DISCONNECT. TLS verifies the broker against `caFile`, else the system's certificates.
    init(
        address: MQTTAddress, clientID: String, will: (topic: String, payload: String), caFile: String?,
        news: @escaping @Sendable (MosquittoNews) -> Void
    ) throws(SinkError) {
        _ = Self.library
        self.news = news
        guard let handle = mosquitto_new(clientID, true, nil) else {
            throw .library("mqtt: cannot create a libmosquitto client (out of memory)")
        }
        self.handle = handle
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_connect_callback_set(handle) { _, context, code in MosquittoClient.from(context)?.news(.connected(code: code)) }
        mosquitto_disconnect_callback_set(handle) { _, context, code in MosquittoClient.from(context)?.news(.disconnected(code: code)) }
        mosquitto_publish_callback_set(handle) { _, context, id in MosquittoClient.from(context)?.news(.acknowledged(id: id)) }
        try check(mosquitto_reconnect_delay_set(handle, 1, 30, true), "reconnect delay")
        try check(mosquitto_max_inflight_messages_set(handle, 0), "in-flight limit")  // the sink bounds it
        if let username = address.username {
            try check(mosquitto_username_pw_set(handle, username, address.password), "user name")
        }
        try check(mosquitto_will_set(handle, will.topic, Int32(will.payload.utf8.count), will.payload, 1, true), "last will")
        if address.usesTLS {
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw .input("mqtt: cannot read CA file \(caFile)")
            }
            let rc = caFile.map { mosquitto_tls_set(handle, $0, nil, nil, nil, nil) }
                ?? mosquitto_tls_set(handle, nil, "/etc/ssl/certs", nil, nil, nil)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                throw .usage("mqtt: cannot use CA file \(caFile ?? "/etc/ssl/certs"): \(Self.describe(rc))")
            }
        }
    }

    deinit {
        stop()
        mosquitto_destroy(handle)
    }

    /// Starts connecting in the background. libmosquitto's network thread reconnects by itself once a first
    /// connection attempt got under way; until then (broker down, name not resolved) a thread of ours retries
    /// with the same backoff.
    func start(host: String, port: Int, keepAliveSeconds: Int32 = 10) throws(SinkError) {
        let rc = mosquitto_connect_async(handle, host, Int32(port), keepAliveSeconds)
        if rc == MOSQ_ERR_INVAL.rawValue { throw .usage("mqtt: cannot connect to \(host):\(port): \(Self.describe(rc))") }
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            try check(mosquitto_loop_start(handle), "network thread")
            lock.withLock { started = true }
            return
        }
        Thread.detachNewThread { [self] in
            var delay = 1.0
            while true {
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 30)
                let done: Bool = lock.withLock {
                    if stopped { return true }
                    guard mosquitto_connect_async(handle, host, Int32(port), keepAliveSeconds) == MOSQ_ERR_SUCCESS.rawValue else {
                        return false
                    }
                    started = mosquitto_loop_start(handle) == MOSQ_ERR_SUCCESS.rawValue
                    return true
                }
                if done { return }
            }
        }
    }

    /// Publishes at QoS 1; returns the message id. libmosquitto keeps the message until the broker acknowledges it,
    /// across reconnects, so any result but an argument error means the message was taken.
    func publish(topic: String, payload: Data, retain: Bool) -> Int32? {
        var id: Int32 = 0
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &id, topic, Int32(bytes.count), bytes.baseAddress, 1, retain)
        }
        switch rc {
        case MOSQ_ERR_SUCCESS.rawValue, MOSQ_ERR_NO_CONN.rawValue, MOSQ_ERR_ERRNO.rawValue, MOSQ_ERR_CONN_LOST.rawValue: return id
        default: return nil
        }
    }

    /// Sends DISCONNECT (the broker does not fire the last will); the caller waits for `.disconnected(0)`.
    func disconnect() { mosquitto_disconnect(handle) }

    /// Ends the network thread (after `disconnect()` was answered, or when the broker is gone).
    func stop() {
        let running = lock.withLock {
            defer { (started, stopped) = (false, true) }
            return started
        }
        if running { mosquitto_loop_stop(handle, true) }
    }

    /// libmosquitto's text for an error code.
    static func describe(_ code: Int32) -> String { String(cString: mosquitto_strerror(code)) }

    /// The broker's text for a CONNACK code.
    static func describeConnack(_ code: Int32) -> String { String(cString: mosquitto_connack_string(code)) }

    private static func from(_ context: UnsafeMutableRawPointer?) -> MosquittoClient? {
        context.map { Unmanaged<MosquittoClient>.fromOpaque($0).takeUnretainedValue() }
    }

    private func check(_ rc: Int32, _ what: String) throws(SinkError) {
        if rc != MOSQ_ERR_SUCCESS.rawValue { throw .library("mqtt: cannot set the \(what): \(Self.describe(rc))") }
    }
}
