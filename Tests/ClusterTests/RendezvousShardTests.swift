// `--shard K/N`: every camera in exactly one shard, an even spread, and few moves when a shard is added.
import Cluster
import Testing

struct RendezvousShardTests {
    static let names = (0..<300).map { "cam-\($0)" }

    @Test func everyCameraFallsInExactlyOneShardAndTheSpreadIsEven() throws {
        let shards = try (0..<3).map { try RendezvousShard(parsing: "\($0)/3") }
        var sizes = [0, 0, 0]
        for name in Self.names {
            let owners = shards.filter { $0.owns(name) }
            #expect(owners.count == 1)
            sizes[owners[0].index] += 1
        }
        #expect(sizes.allSatisfy { (70...130).contains($0) }, "sizes \(sizes)")
    }

    @Test func aFourthShardTakesCamerasOnlyFromTheOthersNeverReshufflesThem() {
        var moved = 0
        for name in Self.names {
            let before = RendezvousShard.shard(of: name, count: 3)
            let after = RendezvousShard.shard(of: name, count: 4)
            #expect(after == before || after == 3)
            if after != before { moved += 1 }
        }
        #expect((45...105).contains(moved), "moved \(moved)")  // about a quarter
    }

    @Test func badShardsAreUsageErrors() {
        for text in ["3/3", "-1/3", "0/0", "1", "a/b", "1/2/3", ""] {
            #expect(throws: ClusterError.self) { try RendezvousShard(parsing: text) }
        }
    }
}
