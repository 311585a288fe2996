// The one owner of a kvStore handle: a JetStream key-value bucket (camera registry, camera status, workers).
import CNATS
import Foundation

/// A JetStream key-value bucket. Values are bytes; keys are `[-/_=.a-zA-Z0-9]+`.
public final class KeyValueBucket: @unchecked Sendable {
    private let store: OpaquePointer
    /// Keeps the connection alive as long as the bucket.
    let connection: NATSConnection
    public let name: String

    /// Opens `name`, creating it (with `history` revisions per key and `replicas`) when `create` and it is missing.
    /// Returns the bucket and whether it was created now.
    static func open(_ name: String, on connection: NATSConnection, create: Bool, history: UInt8 = 1)
        throws(ClusterError) -> (bucket: KeyValueBucket, created: Bool)
    {
        var store: OpaquePointer?
        let status = js_KeyValue(&store, connection.jetStream, name)
        if status == NATS_OK, let store { return (KeyValueBucket(store, name, connection), false) }
        guard NATSCall.isNotFound(status) else { throw NATSCall.error(status, "cannot open key-value bucket \(name)") }
        guard create else { throw .notFound("key-value bucket \(name) does not exist") }
        var config = kvConfig()
        kvConfig_Init(&config)
        config.History = history
        config.Replicas = Int32(connection.options.replicas)
        let created = name.withCString { pointer in
            config.Bucket = pointer
            return js_CreateKeyValue(&store, connection.jetStream, &config)
        }
        try NATSCall.check(created, "cannot create key-value bucket \(name)")
        guard let store else { throw .failed("cannot create key-value bucket \(name)") }
        return (KeyValueBucket(store, name, connection), true)
    }

    private init(_ store: OpaquePointer, _ name: String, _ connection: NATSConnection) {
        self.store = store
        self.name = name
        self.connection = connection
    }

    deinit { kvStore_Destroy(store) }

    /// The value of `key`, nil when it is absent or deleted.
    public func get(_ key: String) throws(ClusterError) -> Data? {
        var entry: OpaquePointer?
        let status = kvStore_Get(&entry, store, key)
        if status == NATS_NOT_FOUND { return nil }
        try NATSCall.check(status, "cannot read \(key) from \(name)")
        guard let entry else { return nil }
        defer { kvEntry_Destroy(entry) }
        let length = Int(kvEntry_ValueLen(entry))
        guard length > 0, let bytes = kvEntry_Value(entry) else { return Data() }
        return Data(bytes: bytes, count: length)
    }

    /// Sets `key` to `value`.
    public func put(_ key: String, _ value: Data) throws(ClusterError) {
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes { bytes in
            kvStore_Put(&revision, store, key, bytes.baseAddress, Int32(bytes.count))
        }
        try NATSCall.check(status, "cannot write \(key) to \(name)")
    }

    /// Deletes `key` (a no-op for an absent key).
    public func delete(_ key: String) throws(ClusterError) {
        try NATSCall.check(kvStore_Delete(store, key), "cannot delete \(key) from \(name)")
    }

    /// Every key that holds a value.
    public func keys() throws(ClusterError) -> [String] {
        var list = kvKeysList()
        let status = kvStore_Keys(&list, store, nil)
        if status == NATS_NOT_FOUND { return [] }
        try NATSCall.check(status, "cannot list the keys of \(name)")
        defer { kvKeysList_Destroy(&list) }
        return (0..<Int(list.Count)).compactMap { index in list.Keys[index].map { String(cString: $0) } }
    }
}
