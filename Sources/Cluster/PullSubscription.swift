// The one owner of a JetStream pull subscription (natsSubscription) and of each message it fetched (natsMsg).
import CNATS
import Foundation

/// A pull consumer on a stream: `fetch` asks for messages and waits for them at most a given time.
final class PullSubscription: @unchecked Sendable {
    private let subscription: OpaquePointer
    let connection: NATSConnection
    /// Whether the consumer outlives this subscription (a durable keeps its place; an ephemeral one is removed).
    private let durable: Bool
    /// The stream and the durable name (libnats 3.4.1 cannot look up the consumer of a subscription that bound
    /// to an existing durable: "Invalid Subscription"; by name it can).
    private let stream: String
    private let durableName: String?

    /// How a consumer starts.
    enum Start: Equatable {
        case all
        case new
        case time(Date)
    }

    /// What the consumer is: its stream, the subjects it filters, a durable name or none, how it acks.
    struct Spec {
        var stream: String
        var filter: String
        var durable: String?
        var start: Start = .all
        /// Explicit acks (leases, durables); false: the server counts a message delivered when it sent it.
        var explicitAck = true
        var ackWaitSeconds: Double = 30
    }

    init(_ spec: Spec, on connection: NATSConnection) throws(ClusterError) {
        self.connection = connection
        durable = spec.durable != nil
        (stream, durableName) = (spec.stream, spec.durable)
        var options = jsSubOptions()
        jsSubOptions_Init(&options)
        var subscription: OpaquePointer?
        var jsError = jsErrCode(0)
        let status = spec.stream.withCString { stream in
            (spec.durable ?? "").withCString { durableName in
                options.Stream = stream
                options.ManualAck = true
                options.Config.AckPolicy = spec.explicitAck ? js_AckExplicit : js_AckNone
                options.Config.AckWait = Int64(spec.ackWaitSeconds * 1e9)
                options.Config.MaxDeliver = -1
                switch spec.start {
                case .all: options.Config.DeliverPolicy = js_DeliverAll
                case .new: options.Config.DeliverPolicy = js_DeliverNew
                case .time(let date):
                    options.Config.DeliverPolicy = js_DeliverByStartTime
                    options.Config.OptStartTime = Int64(date.timeIntervalSince1970 * 1e9)
                }
                if spec.durable == nil { options.Config.InactiveThreshold = Int64(60e9) }
                return js_PullSubscribe(
                    &subscription, connection.jetStream, spec.filter, spec.durable == nil ? nil : durableName, nil,
                    &options, &jsError)
            }
        }
        try NATSCall.check(status, "cannot subscribe to \(spec.filter) on stream \(spec.stream)", jsError: jsError)
        guard let subscription else { throw .failed("cannot subscribe to \(spec.filter)") }
        self.subscription = subscription
    }

    deinit {
        // A durable stays on the server (that is its point); an ephemeral consumer is deleted with the subscription.
        if !durable { natsSubscription_Unsubscribe(subscription) }
        natsSubscription_Destroy(subscription)
    }

    /// The messages the consumer has not delivered yet (for a new consumer: every stored message it matches).
    func pendingCount() throws(ClusterError) -> UInt64 {
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var jsError = jsErrCode(0)
        let status =
            if let durableName { js_GetConsumerInfo(&info, connection.jetStream, stream, durableName, nil, &jsError) } else {
                natsSubscription_GetConsumerInfo(&info, subscription, nil, &jsError)
            }
        try NATSCall.check(status, "cannot read the state of a consumer of \(stream)", jsError: jsError)
        defer { jsConsumerInfo_Destroy(info) }
        return info?.pointee.NumPending ?? 0
    }

    /// Up to `batch` messages, waiting at most `timeoutSeconds`; empty when none came in time.
    func fetch(batch: Int, timeoutSeconds: Double) throws(ClusterError) -> [JetStreamMessage] {
        var list = natsMsgList()
        var jsError = jsErrCode(0)
        let status = natsSubscription_Fetch(&list, subscription, Int32(batch), Int64(timeoutSeconds * 1000), &jsError)
        if status == NATS_TIMEOUT { return [] }
        try NATSCall.check(status, "cannot fetch messages", jsError: jsError)
        var messages: [JetStreamMessage] = []
        for index in 0..<Int(list.Count) {
            if let message = list.Msgs[index] {
                messages.append(JetStreamMessage(message))
                list.Msgs[index] = nil  // now owned by the JetStreamMessage
            }
        }
        natsMsgList_Destroy(&list)
        return messages
    }
}

/// One message a pull consumer delivered; the only owner of its natsMsg.
final class JetStreamMessage: @unchecked Sendable {
    private let message: OpaquePointer

    init(_ message: OpaquePointer) { self.message = message }
    deinit { natsMsg_Destroy(message) }

    var subject: String { String(cString: natsMsg_GetSubject(message)) }

    var data: Data {
        let length = Int(natsMsg_GetDataLength(message))
        guard length > 0, let bytes = natsMsg_GetData(message) else { return Data() }
        return Data(bytes: bytes, count: length)
    }

    /// Messages left for the consumer after this one, and the time the stream stored this one.
    var metadata: (pending: UInt64, stored: Date)? {
        var meta: UnsafeMutablePointer<jsMsgMetaData>?
        guard natsMsg_GetMetaData(&meta, message) == NATS_OK, let meta else { return nil }
        defer { jsMsgMetaData_Destroy(meta) }
        return (meta.pointee.NumPending, Date(timeIntervalSince1970: Double(meta.pointee.Timestamp) / 1e9))
    }

    /// Done with it (a work-queue message is removed).
    func ack() throws(ClusterError) {
        var jsError = jsErrCode(0)
        try NATSCall.check(natsMsg_AckSync(message, nil, &jsError), "cannot ack \(subject)", jsError: jsError)
    }
    /// Still working on it: the ack deadline starts again.
    func inProgress() throws(ClusterError) {
        try NATSCall.check(natsMsg_InProgress(message, nil), "cannot renew \(subject)")
    }
    /// Hand it back for redelivery, after `delaySeconds` (0: at once).
    func nak(delaySeconds: Double = 0) throws(ClusterError) {
        let status = delaySeconds > 0
            ? natsMsg_NakWithDelay(message, Int64(delaySeconds * 1000), nil) : natsMsg_Nak(message, nil)
        try NATSCall.check(status, "cannot hand back \(subject)")
    }
    /// Never deliver it again.
    func terminate() throws(ClusterError) { try NATSCall.check(natsMsg_Term(message, nil), "cannot end \(subject)") }
}
