// `--shard K/N`: a static split of a pipeline's cameras over N processes, no broker (docs/cluster.md).
import Foundation

/// Shard K of N (K from 0 to N-1) by rendezvous (highest-random-weight) hashing: a camera belongs to the shard
/// whose weight hash(shard, camera name) is highest. Every process computes the same split from the names alone;
/// adding a camera moves no other camera, and going from N to N+1 shards moves only about 1/(N+1) of them.
public struct RendezvousShard: Sendable, Equatable {
    public let index: Int
    public let count: Int

    /// Parses `K/N` (0 ≤ K < N); anything else is a usage error (exit 64).
    public init(parsing text: String) throws(ClusterError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index)
        else { throw .usage("--shard \(text): expected K/N with 0 <= K < N (e.g. 0/3)") }
        (self.index, self.count) = (index, count)
    }

    /// True when `camera` belongs to this shard.
    public func owns(_ camera: String) -> Bool { Self.shard(of: camera, count: count) == index }

    /// The shard `camera` belongs to among `count`.
    public static func shard(of camera: String, count: Int) -> Int {
        (0..<count).max { weight($0, camera) < weight($1, camera) } ?? 0
    }

    /// FNV-1a 64 of "shard:name", finished with SplitMix64's mixer so that nearby inputs spread.
    static func weight(_ shard: Int, _ camera: String) -> UInt64 {
        var value = FNV1a.hash("\(shard):\(camera)".utf8)
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }
}
