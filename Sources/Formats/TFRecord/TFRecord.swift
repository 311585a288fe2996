// TFRecord: TensorFlow's record framing (u64 length, masked CRC32C of it, data, masked CRC32C of the data).
import Foundation

/// Splits a TFRecord file into its records, checking both CRCs of every record; and frames records for writing.
enum TFRecord {
    /// True if the first record's length CRC is right (a cheap, reliable sniff).
    static func looksLike(_ data: Data) -> Bool {
        guard data.count >= 16 else { return false }
        var reader = ByteReader(data, path: "")
        guard let length = try? reader.bytes(8, "length"), let crc = try? reader.uint32LE("crc") else { return false }
        return CRC32C.masked(length) == crc
    }

    /// The payload of every record, in file order, sharing `data`'s storage.
    static func records(_ data: Data, path: String) throws -> [Data] {
        var reader = ByteReader(data, path: path)
        var records: [Data] = []
        while !reader.isAtEnd {
            let start = reader.offset
            let lengthBytes = try reader.bytes(8, "record \(records.count) length")
            guard try reader.uint32LE("record \(records.count) length CRC") == CRC32C.masked(lengthBytes) else {
                throw FormatError.malformed(path, "record \(records.count) at offset \(start): length CRC mismatch")
            }
            var lengthReader = ByteReader(lengthBytes, path: path)
            let length = try lengthReader.uint64LE("length")
            guard length <= UInt64(reader.remaining) else {
                throw FormatError.malformed(path, "record \(records.count) at offset \(start) declares \(length) bytes, \(reader.remaining) left")
            }
            let payload = try reader.bytes(Int(length), "record \(records.count)")
            guard try reader.uint32LE("record \(records.count) data CRC") == CRC32C.masked(payload) else {
                throw FormatError.malformed(path, "record \(records.count) at offset \(start): data CRC mismatch")
            }
            records.append(payload)
        }
        return records
    }

    /// One framed record.
    static func frame(_ payload: Data) -> Data {
        var out = Data(capacity: payload.count + 16)
        let length = withUnsafeBytes(of: UInt64(payload.count).littleEndian) { Data($0) }
        out.append(length)
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out.append(contentsOf: $0) }
        out.append(payload)
        withUnsafeBytes(of: CRC32C.masked(payload).littleEndian) { out.append(contentsOf: $0) }
        return out
    }
}
