// FFmpeg's decode loop: send a packet, receive every frame it releases, hand each on, unref it. Damage is counted.
import CFFmpeg

/// Decodes one stream. Packets the codec rejects and frames it marks damaged are counted (`damagedFrames`) and
/// skipped, never fatal. For codecs where dropping non-reference frames leaves every other frame bit-identical,
/// `decode(_:skipIfNonReference:_:)` can ask the decoder not to decode a packet's frame at all.
final class Decoder {
    let codec: CodecContext
    let stream: UnsafeMutablePointer<AVStream>
    private let frame: Frame
    /// Frames the decoder rejected or flagged as damaged so far.
    private(set) var damagedFrames = 0
    /// Whether AVDISCARD_NONREF is safe for this codec (tests prove bit-identity for these).
    let canSkipNonReference: Bool

    private static let skippableCodecs: Set<UInt32> = [
        AV_CODEC_ID_H264.rawValue, AV_CODEC_ID_HEVC.rawValue, AV_CODEC_ID_MPEG4.rawValue,
        AV_CODEC_ID_MPEG1VIDEO.rawValue, AV_CODEC_ID_MPEG2VIDEO.rawValue,
    ]

    init(_ stream: UnsafeMutablePointer<AVStream>, _ location: String) throws {
        self.stream = stream
        self.codec = try CodecContext.decoder(for: stream, location)
        self.frame = try Frame(location)
        self.canSkipNonReference = Self.skippableCodecs.contains(codec.pointer.pointee.codec_id.rawValue)
    }

    /// Seconds per unit of the stream's timestamps.
    var timeBase: Double { av_q2d(stream.pointee.time_base) }

    /// Sends `packet` (nil = flush at end of input) and passes each frame that comes out to `body`, which must not
    /// keep it. With `skipIfNonReference` (and a codec that allows it) a non-reference frame is not decoded; with
    /// `keyframesOnly` no frame but a keyframe is.
    func decode(
        _ packet: Packet?, skipIfNonReference: Bool = false, keyframesOnly: Bool = false, _ body: (Frame) throws -> Void
    ) throws {
        codec.pointer.pointee.skip_frame =
            keyframesOnly ? AVDISCARD_NONKEY
            : skipIfNonReference && canSkipNonReference ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
        var sent = false
        while !sent {
            do {
                sent = try codec.send(packet) != .again
            } catch let error as MediaError where error.kind == .malformed {
                damagedFrames += 1
                sent = true
            }
            try drain(body)
        }
    }

    /// Receives frames until the decoder wants input or has ended.
    private func drain(_ body: (Frame) throws -> Void) throws {
        var failures = 0
        while failures < 64 {
            let status: FFStatus
            do {
                status = try codec.receive(frame)
            } catch let error as MediaError where error.kind == .malformed {
                damagedFrames += 1
                failures += 1
                continue
            }
            guard case .ok = status else { return }
            defer { frame.unref() }
            if frame.isDamaged {
                damagedFrames += 1
            } else {
                try body(frame)
            }
        }
    }

    /// Forgets buffered frames (after a seek, or to decode again after the flush at end of input).
    func reset() { codec.flush() }
}
