// Audio: 16 kHz mono Float32 through swresample.
import Media
import Testing

@Test func sampleAudioIs16kHzMonoAt440Hz() throws {
    let samples = try MediaSource(url: TestMedia.samples.appendingPathComponent("sample.mp4").path).audioSamples()
    // 4 s at 16 kHz, give or take the AAC priming and padding.
    #expect(abs(samples.count - 64_000) < 1_600)
    // A 440 Hz sine crosses zero upwards 440 times a second; count in the steady middle two seconds.
    let middle = samples[16_000..<48_000]
    let upward = zip(middle, middle.dropFirst()).filter { $0 < 0 && $1 >= 0 }.count
    #expect(abs(upward - 880) <= 2)
    let peak = middle.map(abs).max() ?? 0
    #expect(peak > 0.05 && peak <= 1.0)
}

@Test func stereoAt48kHzIsDownmixed() throws {
    let path = try TestMedia.make("stereo48k.mka", ["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=1",
                                                   "-ac", "2", "-c:a", "pcm_s16le"])
    let samples = try MediaSource(url: path).audioSamples()
    #expect(abs(samples.count - 16_000) <= 32)
    let upward = zip(samples[4000..<12000], samples[4001..<12000]).filter { $0 < 0 && $1 >= 0 }.count
    #expect(abs(upward - 500) <= 1)
}

@Test func videoOnlyHasNoAudio() throws {
    #expect(throws: MediaError.self) { try MediaSource(url: TestMedia.vp9()).audioSamples() }
}
