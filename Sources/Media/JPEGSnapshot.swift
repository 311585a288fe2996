// The picture of one instant, taken from encoded packets: decode from a keyframe to that frame, encode it as JPEG.
import CFFmpeg
import Foundation

/// Writes the frame shown at a given time as a JPEG at the source's resolution (libavcodec's mjpeg encoder, q 2,
/// full-range 4:2:0), decoding only the packets from the keyframe before it. Used for event snapshots.
public enum JPEGSnapshot {
    /// Decodes the video packets of `packets` (which should start at a keyframe) in order and writes the last frame
    /// whose pts is at or before `pts` (+1 ms; the first frame when all are later) to `path`, through a temporary
    /// name. Returns the pts (seconds) of the frame written. `.malformed` when no frame decodes.
    @discardableResult
    public static func write(_ packets: some Sequence<EncodedPacket>, video: StreamParameters, at pts: Double,
                             to path: String) throws -> Double {
        let codec = try CodecContext.decoder(parameters: video.pointer, timeBase: video.timeBase, path)
        let frame = try Frame(path), chosen = try Frame(path), packet = try Packet(path)
        var chosenPTS: Double?
        var passed = false
        let seconds = av_q2d(video.timeBase), limit = pts + 0.001
        /// Receives every frame the decoder has; keeps the best so far. True once a frame beyond `pts` came out.
        func drain() throws {
            while !passed {
                let status: FFStatus
                do { status = try codec.receive(frame) } catch let error as MediaError where error.kind == .malformed {
                    continue
                }
                guard case .ok = status else { return }
                defer { frame.unref() }
                guard !frame.isDamaged, let stamp = frame.timestamp else { continue }
                let time = Double(stamp) * seconds
                if time > limit && chosenPTS != nil { passed = true; return }
                chosen.unref()
                try ffCheck(av_frame_ref(chosen.pointer, frame.pointer), "out of memory", path)
                chosenPTS = time
                if time > limit { passed = true }
            }
        }
        for encoded in packets where encoded.isVideo {
            try ffCheck(av_packet_ref(packet.pointer, encoded.pointer), "out of memory", path)
            defer { packet.unref() }
            var sent = false
            while !sent {
                do { sent = try codec.send(packet) != .again } catch let error as MediaError where error.kind == .malformed {
                    sent = true
                }
                try drain()
            }
            if passed { break }
        }
        if !passed {
            _ = try? codec.send(nil as Packet?)
            try drain()
        }
        guard let chosenPTS else { throw MediaError(.malformed, path, "no frame decoded for the snapshot") }
        try writeJPEG(chosen, to: path)
        return chosenPTS
    }

    /// Converts `frame` to full-range 4:2:0 and writes it with the mjpeg encoder.
    private static func writeJPEG(_ frame: Frame, to path: String) throws {
        let width = frame.pointer.pointee.width, height = frame.pointer.pointee.height
        let picture = try Frame(path)
        picture.pointer.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        picture.pointer.pointee.width = width
        picture.pointer.pointee.height = height
        try ffCheck(av_frame_get_buffer(picture.pointer, 0), "cannot allocate a picture", path)
        guard let scaler = sws_getContext(width, height, AVPixelFormat(frame.pointer.pointee.format), width, height,
                                          AV_PIX_FMT_YUVJ420P, SWS_BICUBIC | SWS_ACCURATE_RND, nil, nil, nil)
        else { throw MediaError(.malformed, path, "cannot convert the snapshot frame") }
        defer { sws_freeContext(scaler) }
        let rows = withUnsafePointer(to: &frame.pointer.pointee.data) { source in
            withUnsafePointer(to: &frame.pointer.pointee.linesize) { sourceStrides in
                withUnsafePointer(to: &picture.pointer.pointee.data) { target in
                    withUnsafePointer(to: &picture.pointer.pointee.linesize) { targetStrides in
                        source.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sourcePlanes in
                            sourceStrides.withMemoryRebound(to: Int32.self, capacity: 8) { sourceLines in
                                target.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { planes in
                                    targetStrides.withMemoryRebound(to: Int32.self, capacity: 8) { lines in
                                        sws_scale(scaler, sourcePlanes, sourceLines, 0, height, planes, lines)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard rows == height else { throw MediaError(.malformed, path, "cannot convert the snapshot frame") }
        let quality = Int32(FF_QP2LAMBDA) * 2
        let encoder = try CodecContext.encoder(AV_CODEC_ID_MJPEG, width: Int(width), height: Int(height),
                                               format: AV_PIX_FMT_YUVJ420P, path) { context in
            context.pointee.flags |= AV_CODEC_FLAG_QSCALE
            context.pointee.global_quality = quality
        }
        picture.pointer.pointee.quality = quality
        picture.pointer.pointee.pts = 0
        let packet = try Packet(path)
        var bytes = Data()
        _ = try encoder.send(picture)
        _ = try encoder.send(nil as Frame?)
        while case .ok = try encoder.receive(packet) {
            bytes.append(packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
            packet.unref()
        }
        guard !bytes.isEmpty else { throw MediaError(.internal, path, "the JPEG encoder gave nothing") }
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)  // a temporary name, then rename
        } catch {
            throw MediaError(.output, path, "cannot write (\(error.localizedDescription))")
        }
    }
}
