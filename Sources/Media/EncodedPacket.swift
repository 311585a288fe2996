// An encoded packet as the demuxer delivered it (video or audio), kept for clips without decoding it.
import CFFmpeg

/// One encoded packet of a reader's video or audio stream: a reference to the demuxer's payload (no copy for
/// refcounted packets), with its time in seconds. Owns its AVPacket (av_packet_alloc / av_packet_free).
public final class EncodedPacket: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<AVPacket>
    /// The time base of `pointer`'s timestamps.
    let timeBase: AVRational
    /// True for the video stream, false for audio.
    public let isVideo: Bool
    /// Presentation time in seconds (the decode time when the packet has no pts; NaN when it has neither).
    public let pts: Double
    /// Decode time in seconds (NaN when unknown).
    public let dts: Double
    /// A packet a decoder can start from (every audio packet is one).
    public let isKeyframe: Bool
    /// Payload bytes.
    public let size: Int

    /// A new reference to `packet`'s payload; nil when FFmpeg cannot make one (out of memory).
    init?(referencing packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational, isVideo: Bool) {
        guard let copy = av_packet_alloc() else { return nil }
        guard av_packet_ref(copy, packet) >= 0 else {
            var owned: UnsafeMutablePointer<AVPacket>? = copy
            av_packet_free(&owned)
            return nil
        }
        pointer = copy
        self.timeBase = timeBase
        self.isVideo = isVideo
        let nopts = vigil_nopts_value(), seconds = av_q2d(timeBase)
        let rawPTS = copy.pointee.pts != nopts ? copy.pointee.pts : copy.pointee.dts
        pts = rawPTS == nopts ? .nan : Double(rawPTS) * seconds
        dts = copy.pointee.dts == nopts ? .nan : Double(copy.pointee.dts) * seconds
        isKeyframe = !isVideo || (copy.pointee.flags & AV_PKT_FLAG_KEY) != 0
        size = Int(copy.pointee.size)
    }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&owned)
    }
}

/// Owns a copy of one stream's codec parameters (avcodec_parameters_alloc / avcodec_parameters_free) and its time
/// base, so packets can be muxed or decoded after the input that delivered them has closed.
public final class StreamParameters: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<AVCodecParameters>
    let timeBase: AVRational
    /// FFmpeg's codec name ("h264", "hevc", "mjpeg", "aac" …).
    public var codecName: String { String(cString: avcodec_get_name(pointer.pointee.codec_id)) }
    public var isVideo: Bool { pointer.pointee.codec_type == AVMEDIA_TYPE_VIDEO }

    init(_ stream: UnsafeMutablePointer<AVStream>, _ location: String) throws {
        guard let pointer = avcodec_parameters_alloc() else { throw MediaError(.internal, location, "out of memory") }
        self.pointer = pointer
        timeBase = stream.pointee.time_base
        try ffCheck(avcodec_parameters_copy(pointer, stream.pointee.codecpar), "cannot copy codec parameters", location)
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecParameters>? = pointer
        avcodec_parameters_free(&owned)
    }
}

/// The streams a reader's packets belong to: its video stream and, when it reads one, its audio stream.
public struct PacketStreams: Sendable {
    public let video: StreamParameters
    public let audio: StreamParameters?
}
