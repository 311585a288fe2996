// UniformSampler: PaddleVideo's segment rule, center and seeded random.
import Models
import Testing

@Test func centerTakesTheMiddleOfEachSegment() {
    #expect(UniformSampler(segments: 5).indices(frameCount: 100) == [10, 30, 50, 70, 90])
    // floor((k + 0.5) * 10 / 4) = floor(1.25), floor(3.75), floor(6.25), floor(8.75)
    #expect(UniformSampler(segments: 4).indices(frameCount: 10) == [1, 3, 6, 8])
}

@Test func fewerFramesThanSegmentsRepeatFrames() {
    #expect(UniformSampler(segments: 6).indices(frameCount: 3) == [0, 0, 1, 1, 2, 2])
    #expect(UniformSampler(segments: 4, mode: .random(seed: 3)).indices(frameCount: 1) == [0, 0, 0, 0])
    #expect(UniformSampler(segments: 4).indices(frameCount: 0).isEmpty)
}

@Test func randomStaysInItsSegmentAndFollowsItsSeed() {
    let n = 1000, segments = 100
    let first = UniformSampler(segments: segments, mode: .random(seed: 42)).indices(frameCount: n)
    #expect(first == UniformSampler(segments: segments, mode: .random(seed: 42)).indices(frameCount: n))
    #expect(first != UniformSampler(segments: segments, mode: .random(seed: 43)).indices(frameCount: n))
    for (k, index) in first.enumerated() { #expect((k * 10..<(k + 1) * 10).contains(index)) }
    // u_0 of SplitMix64(seed 0) is 0xE220A8397B1DCDAF >> 11 / 2^53 = 0.8833…, so sample 0 of 10 segments over 100
    // frames is frame 8.
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(UniformSampler(segments: 10, mode: .random(seed: 0)).indices(frameCount: 100)[0] == 8)
}
