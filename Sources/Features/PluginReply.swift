// What an exec plug-in writes back, checked from bytes alone: ExecExtractor reads, PluginReply judges.

/// The parsers of an exec plug-in's replies (docs/extractors.md), pure functions of the bytes the plug-in wrote.
/// `ExecExtractor` reads exactly the sizes these name and hands the bytes over; the fuzz harness
/// (Fuzz/, target `exec-reply`) calls the same functions on arbitrary bytes.
///
/// A plug-in writes a 12-byte answer to the hello (magic `VGLX`, version, dimension), then per item a 4-byte count
/// and that many float32 values; every integer and float is little-endian.
public enum PluginReply {
    /// Why a reply was refused, in words for the user ("declares dimension 0, expected 128").
    public struct Refusal: Error, Equatable {
        public let reason: String
    }

    /// The magic both sides start their hellos with.
    public static let magic: [UInt8] = Array("VGLX".utf8)
    /// The protocol version this host speaks.
    public static let version: UInt32 = 1
    /// The bytes of the answer to the hello.
    public static let helloAnswerSize = 12
    /// The bytes of the count that starts each item's answer.
    public static let countSize = 4
    /// The largest dimension a plug-in may declare: it sizes the host's reply buffer (a YouTube-8M extractor
    /// declares 1024).
    public static let maximumDimension = 1 << 20

    /// The dimension a plug-in declares in its answer to the hello (`helloAnswerSize` bytes). `requested` 0 lets
    /// the plug-in choose; otherwise it must agree.
    public static func dimension(helloAnswer answer: [UInt8], requested: Int) throws(Refusal) -> Int {
        guard answer.count == helloAnswerSize else {
            throw Refusal(reason: "its answer to the hello is \(answer.count) bytes, expected \(helloAnswerSize)")
        }
        guard Array(answer[0..<4]) == magic else {
            throw Refusal(reason: "its answer to the hello does not start with VGLX")
        }
        let version = uint32(answer, at: 4), declared = uint32(answer, at: 8)
        guard version == Self.version else {
            throw Refusal(reason: "speaks protocol version \(version), Vigil speaks \(Self.version)")
        }
        guard declared > 0, declared <= maximumDimension, requested == 0 || declared == requested else {
            throw Refusal(reason: "declares dimension \(declared), expected \(requested)")
        }
        return Int(declared)
    }

    /// The number of values item `item` announces in its `countSize`-byte count; it must be `dimension`, so the
    /// body to read next is `4 × dimension` bytes.
    public static func valueCount(_ count: [UInt8], dimension: Int, item: Int) throws(Refusal) -> Int {
        guard count.count == countSize else {
            throw Refusal(reason: "answered a \(count.count)-byte count for item \(item), expected \(countSize)")
        }
        let announced = uint32(count, at: 0)
        guard announced == dimension else {
            throw Refusal(reason: "answered \(announced) values for item \(item), expected \(dimension)")
        }
        return dimension
    }

    /// The feature vector of item `item` from its body of 4 bytes per value; every value must be finite.
    public static func vector(_ body: [UInt8], item: Int) throws(Refusal) -> [Float] {
        guard body.count % 4 == 0 else {
            throw Refusal(reason: "answered \(body.count) bytes of values for item \(item), not a whole number of float32")
        }
        let vector = (0..<body.count / 4).map { Float(bitPattern: uint32(body, at: 4 * $0)) }
        guard vector.allSatisfy(\.isFinite) else { throw Refusal(reason: "answered a non-finite value for item \(item)") }
        return vector
    }

    /// The little-endian UInt32 at `offset`.
    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }
}
