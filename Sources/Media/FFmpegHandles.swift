// Owners of FFmpeg's small handles: one final class per kind, whose deinit makes the matching free call.
import CFFmpeg

/// Owns an AVPacket (av_packet_alloc / av_packet_free).
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init(_ location: String) throws {
        guard let pointer = av_packet_alloc() else { throw MediaError(.internal, location, "out of memory (packet)") }
        self.pointer = pointer
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&pointer)
    }

    /// Drops the payload reference after use.
    func unref() { av_packet_unref(pointer) }
}

/// Owns an AVFrame (av_frame_alloc / av_frame_free).
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init(_ location: String) throws {
        guard let pointer = av_frame_alloc() else { throw MediaError(.internal, location, "out of memory (frame)") }
        self.pointer = pointer
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&pointer)
    }

    /// Drops the picture/sample references after use.
    func unref() { av_frame_unref(pointer) }

    /// The frame's timestamp in its stream's time base: the decoder's pts, else its best-effort guess.
    var timestamp: Int64? {
        let nopts = vigil_nopts_value()
        if pointer.pointee.pts != nopts { return pointer.pointee.pts }
        let guess = pointer.pointee.best_effort_timestamp
        return guess == nopts ? nil : guess
    }

    /// Whether the decoder marked the frame as damaged (corrupt flag or decode error flags).
    var isDamaged: Bool {
        (pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT) != 0 || pointer.pointee.decode_error_flags != 0
    }
}

/// Owns an AVDictionary of options (av_dict_set / av_dict_free).
final class OptionDictionary {
    var pointer: OpaquePointer?

    init(_ entries: [String: String]) {
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&pointer, key, value, 0)
        }
    }

    deinit { av_dict_free(&pointer) }
}
