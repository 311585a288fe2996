// The camera registry: a JetStream key-value bucket of CameraEntry values, stamped with the schema that wrote it.
import Foundation

/// Reads and writes camera definitions. The bucket's `vigil.schema` key says which layout its values have; a bucket
/// without it, or with another schema, is refused by name (exit 65) rather than misread.
public final class CameraRegistry: @unchecked Sendable {
    /// The layout this version reads and writes.
    public static let schema = 1
    static let schemaKey = "vigil.schema"
    let bucket: KeyValueBucket

    /// Opens the registry bucket of `names`, creating and stamping it when it is missing.
    init(names: ClusterNames, on connection: NATSConnection) throws(ClusterError) {
        let (bucket, created) = try KeyValueBucket.open(names.camerasBucket, on: connection, create: true)
        self.bucket = bucket
        if created { try bucket.put(Self.schemaKey, Data("{\"schema\":\(Self.schema)}".utf8)) }
        try checkSchema()
    }

    private func checkSchema() throws(ClusterError) {
        struct Stamp: Decodable { var schema: Int }
        let stamp = try bucket.get(Self.schemaKey)
        let found = stamp.flatMap { try? JSONDecoder().decode(Stamp.self, from: $0) }?.schema
        guard found == Self.schema else {
            let what = found.map { "schema \($0)" } ?? "no vigil.schema key"
            throw .incompatible(
                "key-value bucket \(bucket.name) was made by an incompatible version (\(what); this vigil reads schema \(Self.schema))")
        }
    }

    /// Stores `entry` under its name (replacing a camera of that name).
    func put(_ entry: CameraEntry) throws(ClusterError) {
        let data: Data
        do { data = try JSONEncoder().encode(entry) } catch { throw .failed("cannot encode camera \(entry.name)") }
        try bucket.put(entry.name, data)
    }

    /// The camera named `name`, nil if there is none.
    func entry(_ name: String) throws(ClusterError) -> CameraEntry? {
        guard ClusterNames.isSubjectSafe(name), let data = try bucket.get(name) else { return nil }
        return try? JSONDecoder().decode(CameraEntry.self, from: data)
    }

    /// Removes `name`.
    func remove(_ name: String) throws(ClusterError) { try bucket.delete(name) }

    /// Every camera, sorted by name (values this version cannot read are skipped).
    func entries() throws(ClusterError) -> [CameraEntry] {
        var result: [CameraEntry] = []
        for key in try bucket.keys().sorted() where key != Self.schemaKey {
            if let data = try bucket.get(key), let entry = try? JSONDecoder().decode(CameraEntry.self, from: data) {
                result.append(entry)
            }
        }
        return result
    }
}
