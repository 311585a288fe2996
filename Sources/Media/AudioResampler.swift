// Converts decoded audio of any layout, format and rate to 16 kHz mono Float32 with swresample.
import CFFmpeg

/// Owns a SwrContext (swr_alloc_set_opts2 / swr_free) resampling to 16 kHz mono Float32.
final class AudioResampler {
    /// The output sample rate of the Media stage.
    static let sampleRate: Int32 = 16_000
    private var context: OpaquePointer?
    private let location: String

    init(_ location: String) { self.location = location }

    deinit { swr_free(&context) }

    /// Resamples one decoded frame (created lazily from the first frame's format).
    func convert(_ frame: Frame) throws -> [Float] {
        let source = frame.pointer
        if context == nil { try open(for: source) }
        return try run(input: source.pointee.extended_data.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: UnsafePointer<UInt8>?.self) },
                       count: source.pointee.nb_samples)
    }

    /// The samples still inside the resampler at the end of the stream.
    func flush() throws -> [Float] {
        guard context != nil else { return [] }
        return try run(input: nil, count: 0)
    }

    private func open(for source: UnsafeMutablePointer<AVFrame>) throws {
        var input = source.pointee.ch_layout
        var fallback = AVChannelLayout()
        if input.order == AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_default(&fallback, max(1, input.nb_channels))
            input = fallback
        }
        var output = vigil_channel_layout_mono()
        let code = swr_alloc_set_opts2(&context, &output, AV_SAMPLE_FMT_FLT, Self.sampleRate, &input,
                                       AVSampleFormat(source.pointee.format), source.pointee.sample_rate, 0, nil)
        try ffCheck(code, "cannot resample its audio", location, otherwise: .malformed)
        try ffCheck(swr_init(context), "cannot resample its audio", location, otherwise: .malformed)
    }

    private func run(input: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, count: Int32) throws -> [Float] {
        let capacity = Int(swr_get_out_samples(context, count))
        guard capacity > 0 else { return [] }
        var samples = [Float](repeating: 0, count: capacity)
        let produced = samples.withUnsafeMutableBytes { bytes -> Int32 in
            var planes: [UnsafeMutablePointer<UInt8>?] = [bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)]
            return swr_convert(context, &planes, Int32(capacity), input, count)
        }
        try ffCheck(produced, "cannot resample its audio", location, otherwise: .malformed)
        samples.removeLast(capacity - Int(max(0, produced)))
        return samples
    }
}
