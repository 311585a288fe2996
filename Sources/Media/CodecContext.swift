// Owns one decoder or encoder context and speaks FFmpeg's send/receive protocol.
import CFFmpeg

/// Owns an AVCodecContext (avcodec_alloc_context3 / avcodec_free_context).
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let location: String

    private init(_ codec: UnsafePointer<AVCodec>, _ location: String) throws {
        guard let pointer = avcodec_alloc_context3(codec) else { throw MediaError(.internal, location, "out of memory") }
        self.pointer = pointer
        self.location = location
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&pointer)
    }

    /// A decoder for `stream`, with FFmpeg choosing the thread count (`thread_count = 0`).
    static func decoder(for stream: UnsafeMutablePointer<AVStream>, _ location: String) throws -> CodecContext {
        guard let parameters = stream.pointee.codecpar else { throw MediaError(.malformed, location, "stream without parameters") }
        return try decoder(parameters: parameters, timeBase: stream.pointee.time_base, location)
    }

    /// A decoder for a stream described by `parameters` whose timestamps count `timeBase`.
    static func decoder(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational, _ location: String) throws
        -> CodecContext {
        let id = parameters.pointee.codec_id
        guard let codec = avcodec_find_decoder(id) else {
            throw MediaError(.malformed, location, "no decoder for codec \(String(cString: avcodec_get_name(id)))")
        }
        let context = try CodecContext(codec, location)
        try ffCheck(avcodec_parameters_to_context(context.pointer, parameters), "bad codec parameters", location, otherwise: .malformed)
        context.pointer.pointee.pkt_timebase = timeBase
        context.pointer.pointee.thread_count = 0
        try ffCheck(avcodec_open2(context.pointer, codec, nil), "cannot open the \(String(cString: codec.pointee.name)) decoder",
                    location, otherwise: .malformed)
        return context
    }

    /// An encoder for `id` taking `width`×`height` frames of `format` (PNG and JPEG output).
    /// `configure` may set more fields before the encoder opens.
    static func encoder(_ id: AVCodecID, width: Int, height: Int, format: AVPixelFormat, _ location: String,
                        configure: (UnsafeMutablePointer<AVCodecContext>) -> Void = { _ in }) throws -> CodecContext {
        guard let codec = avcodec_find_encoder(id) else { throw MediaError(.internal, location, "no encoder for \(id)") }
        let context = try CodecContext(codec, location)
        context.pointer.pointee.width = Int32(width)
        context.pointer.pointee.height = Int32(height)
        context.pointer.pointee.pix_fmt = format
        context.pointer.pointee.time_base = AVRational(num: 1, den: 25)
        configure(context.pointer)
        try ffCheck(avcodec_open2(context.pointer, codec, nil), "cannot open the encoder", location)
        return context
    }

    /// avcodec_send_packet (nil packet = start draining).
    func send(_ packet: Packet?) throws -> FFStatus {
        try ffCheck(avcodec_send_packet(pointer, packet?.pointer), "cannot decode a packet", location, otherwise: .malformed)
    }

    /// avcodec_receive_frame.
    func receive(_ frame: Frame) throws -> FFStatus {
        try ffCheck(avcodec_receive_frame(pointer, frame.pointer), "cannot decode a frame", location, otherwise: .malformed)
    }

    /// avcodec_send_frame (encoding; nil = drain).
    func send(_ frame: Frame?) throws -> FFStatus {
        try ffCheck(avcodec_send_frame(pointer, frame?.pointer), "cannot encode a frame", location, otherwise: .output)
    }

    /// avcodec_receive_packet (encoding).
    func receive(_ packet: Packet) throws -> FFStatus {
        try ffCheck(avcodec_receive_packet(pointer, packet.pointer), "cannot encode a frame", location, otherwise: .output)
    }

    /// Forgets buffered frames and references (after a seek).
    func flush() { avcodec_flush_buffers(pointer) }
}
