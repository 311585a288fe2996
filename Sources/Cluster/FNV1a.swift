// FNV-1a, 64 bits: the small stable hash behind message ids and shard weights (not for security).
enum FNV1a {
    /// FNV-1a 64 of `bytes`.
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        return value
    }
}
