// The one owner of a natsConnection and its JetStream context; every other Cluster type borrows them from here.
import CNATS
import Foundation

/// A connection to a NATS cluster with JetStream. It reconnects by itself forever; while it is away, requests fail
/// at once (`NATS_CONNECTION_DISCONNECTED`) instead of waiting, so callers can queue and retry.
public final class NATSConnection: @unchecked Sendable {
    let connection: OpaquePointer
    let jetStream: OpaquePointer
    public let options: ClusterOptions
    /// JetStream request timeout in milliseconds.
    let waitMilliseconds: Int64

    /// Connects; throws `.unavailable` (exit 69) naming the servers when none answers (unless `retryConnect`).
    public init(_ options: ClusterOptions) throws(ClusterError) {
        self.options = options
        guard !options.servers.isEmpty else { throw .usage("--cluster: no NATS server URL") }
        for file in [options.credentialsFile, options.caFile].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: file) {
            throw .missingFile("\(file): cannot read this file")
        }
        var natsOptions: OpaquePointer?
        try NATSCall.check(natsOptions_Create(&natsOptions), "cannot make NATS options")
        guard let natsOptions else { throw .failed("cannot make NATS options") }
        defer { natsOptions_Destroy(natsOptions) }
        let servers = options.servers.map { strdup($0) }
        defer { servers.forEach { free($0) } }
        var pointers = servers.map { UnsafePointer($0) }
        try NATSCall.check(
            natsOptions_SetServers(natsOptions, &pointers, Int32(pointers.count)), "bad NATS URL in \(options.redactedServers)")
        try NATSCall.check(natsOptions_SetName(natsOptions, "vigil"), "NATS options")
        try NATSCall.check(natsOptions_SetTimeout(natsOptions, 2000), "NATS options")
        try NATSCall.check(natsOptions_SetMaxReconnect(natsOptions, -1), "NATS options")
        try NATSCall.check(natsOptions_SetReconnectWait(natsOptions, 500), "NATS options")
        try NATSCall.check(natsOptions_SetPingInterval(natsOptions, 2000), "NATS options")
        try NATSCall.check(natsOptions_SetMaxPingsOut(natsOptions, 2), "NATS options")
        try NATSCall.check(natsOptions_SetFailRequestsOnDisconnect(natsOptions, true), "NATS options")
        if let user = options.user {
            try NATSCall.check(natsOptions_SetUserInfo(natsOptions, user, options.password ?? ""), "NATS user")
        }
        if let token = options.token {
            try NATSCall.check(natsOptions_SetToken(natsOptions, token), "NATS token")
        }
        if let file = options.credentialsFile {
            try NATSCall.check(natsOptions_SetUserCredentialsFromFiles(natsOptions, file, nil), "\(file): NATS credentials")
        }
        if let file = options.caFile {
            try NATSCall.check(natsOptions_SetSecure(natsOptions, true), "NATS TLS")
            try NATSCall.check(natsOptions_LoadCATrustedCertificates(natsOptions, file), "\(file): CA certificates")
        }
        var connection: OpaquePointer?
        var status = natsConnection_Connect(&connection, natsOptions)
        if status != NATS_OK, options.retryConnect {
            // --cluster-retry: say once why, then let the client try every server every half second until one answers.
            Self.log("cannot connect to NATS at \(options.redactedServers): \(Self.text(status)); retrying (--cluster-retry)")
            try NATSCall.check(natsOptions_SetRetryOnFailedConnect(natsOptions, true, nil, nil), "NATS options")
            status = natsConnection_Connect(&connection, natsOptions)
            if status == NATS_OK { Self.log("connected to NATS at \(options.redactedServers)") }
        }
        if status == NATS_ERR, let file = options.credentialsFile {  // read only now, when the server asks
            throw .usage("\(file): cannot log in to NATS with this credentials file: \(NATSCall.lastErrorText())")
        }
        guard status == NATS_OK, let connection else {
            throw .unavailable("cannot connect to NATS at \(options.redactedServers): \(Self.text(status))")
        }
        waitMilliseconds = Int64(options.requestTimeout * 1000)
        var jsOptions = jsOptions()
        jsOptions_Init(&jsOptions)
        jsOptions.Wait = waitMilliseconds
        var context: OpaquePointer?
        let jsStatus = natsConnection_JetStream(&context, connection, &jsOptions)
        guard jsStatus == NATS_OK, let context else {
            natsConnection_Destroy(connection)
            throw NATSCall.error(jsStatus, "cannot use JetStream on \(options.redactedServers)")
        }
        self.connection = connection
        self.jetStream = context
    }

    /// The client's text for `status`.
    static func text(_ status: natsStatus) -> String { String(cString: natsStatus_GetText(status)) }

    /// A line on stderr (the only things this module says by itself: why it is waiting).
    static func log(_ message: String) { FileHandle.standardError.write(Data("vigil: \(message)\n".utf8)) }

    deinit {
        jsCtx_Destroy(jetStream)
        natsConnection_Destroy(connection)  // closes it first
    }

    /// Waits until the server has received everything sent so far (acks, naks), at most `seconds`.
    func flush(within seconds: Double) { _ = natsConnection_FlushTimeout(connection, Int64(seconds * 1000)) }

    /// True while connected (false while reconnecting).
    public var isConnected: Bool { natsConnection_Status(connection) == NATS_CONN_STATUS_CONNECTED }

    // MARK: Streams

    /// What a stream this cluster uses looks like.
    struct StreamSpec {
        var name: String
        var subjects: [String]
        var workQueue = false
        var maxAgeSeconds: Double = 0
        var maxMessagesPerSubject: Int64 = -1
        var discardNewPerSubject = false
        var duplicateWindowSeconds: Double = 120
        var replicas = 1
    }

    /// Creates the stream unless it exists (an existing stream is used as it is).
    func ensureStream(_ spec: StreamSpec) throws(ClusterError) {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var jsError = jsErrCode(0)
        let status = js_GetStreamInfo(&info, jetStream, spec.name, nil, &jsError)
        if status == NATS_OK {
            jsStreamInfo_Destroy(info)
            return
        }
        guard NATSCall.isNotFound(status, jsError: jsError) else {
            throw NATSCall.error(status, "cannot look up stream \(spec.name)", jsError: jsError)
        }
        let subjects = spec.subjects.map { strdup($0) }
        defer { subjects.forEach { free($0) } }
        var pointers = subjects.map { UnsafePointer($0) }
        let name = strdup(spec.name)
        defer { free(name) }
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        config.Name = UnsafePointer(name)
        config.Retention = spec.workQueue ? js_WorkQueuePolicy : js_LimitsPolicy
        config.MaxAge = Int64(spec.maxAgeSeconds * 1e9)
        config.MaxMsgsPerSubject = spec.maxMessagesPerSubject
        config.Discard = spec.discardNewPerSubject ? js_DiscardNew : js_DiscardOld
        config.DiscardNewPerSubject = spec.discardNewPerSubject
        config.Duplicates = Int64(spec.duplicateWindowSeconds * 1e9)
        config.Replicas = Int64(spec.replicas)
        config.Storage = js_FileStorage
        let created = pointers.withUnsafeMutableBufferPointer { buffer -> (natsStatus, jsErrCode) in
            config.Subjects = buffer.baseAddress
            config.SubjectsLen = Int32(buffer.count)
            var error = jsErrCode(0)
            let status = js_AddStream(&info, jetStream, &config, nil, &error)
            return (status, error)
        }
        try NATSCall.check(created.0, "cannot create stream \(spec.name)", jsError: created.1)
        jsStreamInfo_Destroy(info)
    }

    // MARK: Publishing

    /// How a publish ended.
    enum PublishOutcome: Equatable {
        /// Stored (or recognised as a duplicate of a stored message).
        case stored
        /// The stream refused it (e.g. one message per subject already there).
        case refused(String)
    }

    /// Publishes `data` to `subject` and waits for JetStream's acknowledgement. `messageID` goes out as
    /// `Nats-Msg-Id`: JetStream stores a message only once per id within the stream's duplicate window.
    func publish(_ data: Data, to subject: String, messageID: String?, timeoutSeconds: Double? = nil)
        throws(ClusterError) -> PublishOutcome
    {
        var publishOptions = jsPubOptions()
        jsPubOptions_Init(&publishOptions)
        publishOptions.MaxWait = timeoutSeconds.map { Int64($0 * 1000) } ?? waitMilliseconds
        var ack: UnsafeMutablePointer<jsPubAck>?
        var jsError = jsErrCode(0)
        let status = (messageID ?? "").withCString { idPointer in
            if messageID != nil { publishOptions.MsgId = idPointer }
            return data.withUnsafeBytes { bytes in
                js_Publish(&ack, jetStream, subject, bytes.baseAddress, Int32(bytes.count), &publishOptions, &jsError)
            }
        }
        if ack != nil { jsPubAck_Destroy(ack) }
        if status == NATS_OK { return .stored }
        // Only what no retry can change is a refusal (a second token for a camera, a line too big); anything else
        // (no responders, a JetStream cluster still electing its leaders: error 10008) is worth retrying.
        if jsError == JSStreamStoreFailedErr || jsError == JSStreamMessageExceedsMaximumErr {
            return .refused(String(cString: natsStatus_GetText(status)) + " (JetStream error \(jsError.rawValue))")
        }
        throw NATSCall.error(status, "cannot publish to \(subject)", jsError: jsError)
    }
}
