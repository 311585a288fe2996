import Testing

@testable import Models

@Test func packedSequencesOrderVideosLongestFirst() {
    let seqs = PackedSequences(lengths: [2, 5, 1, 5])
    #expect(seqs.offsets == [0, 2, 7, 8])
    #expect(seqs.total == 13)
    #expect(seqs.order == [1, 3, 0, 2])
    #expect(seqs.activeCounts == [4, 3, 2, 2, 2])
}
