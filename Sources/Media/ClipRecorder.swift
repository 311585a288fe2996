// Writes encoded packets to a clip by stream copy (libavformat only: nothing is decoded or encoded).
import CFFmpeg
import Foundation

/// Remuxes packets (`EncodedPacket`s of one connection, in the order read) into an MP4 with its index at the front
/// (`movflags=+faststart`), or into MPEG-TS (else Matroska) when a stream's codec cannot go in MP4. The file is written under
/// `temporaryPath` (`<path>.part`) and renamed to `path` by `finish()`; a recorder released unfinished is finished
/// (a clip is never left without its index). Owns the output AVFormatContext and its file (`ClipFileOutput`: whole
/// MiB blocks written with O_DIRECT, no copy into the page cache).
///
/// The clip starts at the first video keyframe given (earlier packets are skipped); timestamps are shifted so that
/// keyframe's decode time is 0; audio from before it is skipped. Packets without a timestamp, and packets whose
/// decode time does not increase (which a muxer refuses), are skipped and counted.
public final class ClipRecorder {
    /// The clip's container.
    public enum Container: String, Sendable {
        case mp4, mpegts, matroska
        /// The file extension.
        public var fileExtension: String {
            switch self {
            case .mp4: "mp4"
            case .mpegts: "ts"
            case .matroska: "mkv"
            }
        }
    }

    public let path: String
    public let temporaryPath: String
    public let container: Container
    /// Source pts (seconds) of the first video packet written (the keyframe the clip starts on).
    public private(set) var startPTS: Double?
    /// Source pts (seconds) of the newest video packet written.
    public private(set) var endPTS = -Double.infinity
    public private(set) var writtenPackets = 0
    public private(set) var skippedPackets = 0
    /// Bytes of payload written so far.
    public private(set) var writtenBytes = 0

    private let context: UnsafeMutablePointer<AVFormatContext>
    /// The file the muxer writes (nil only while `init` has not made it).
    private var output: ClipFileOutput?
    private let scratch: Packet
    private let audioIndex: Int32?
    private var offset: Double?
    private var lastDTS: [Int64] = [.min, .min]
    private var state = State.open
    private enum State { case open, finished }
    // The parameters are kept alive with the recorder (the output streams copied them; this keeps the owner clear).
    private let streams: PacketStreams

    /// Codecs MPEG-TS has a stream type for (what FFmpeg's TS muxer and every TS reader know).
    private static let transportStreamCodecs: Set<UInt32> = [
        AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_MPEG1VIDEO, AV_CODEC_ID_MPEG2VIDEO, AV_CODEC_ID_MPEG4,
        AV_CODEC_ID_AAC, AV_CODEC_ID_MP2, AV_CODEC_ID_MP3, AV_CODEC_ID_AC3, AV_CODEC_ID_EAC3, AV_CODEC_ID_OPUS,
        AV_CODEC_ID_DTS, AV_CODEC_ID_TRUEHD,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// The container for `streams`: MP4 when FFmpeg's MP4 muxer takes every codec; else MPEG-TS when it has a
    /// stream type for every codec; else Matroska, which holds any codec (G.711 sound, for one, fits neither).
    public static func container(for streams: PacketStreams) -> Container {
        let all = [streams.video] + (streams.audio.map { [$0] } ?? [])
        if let mp4 = av_guess_format("mp4", nil, nil),
           all.allSatisfy({ avformat_query_codec(mp4, $0.pointer.pointee.codec_id, FF_COMPLIANCE_NORMAL) == 1 }) {
            return .mp4
        }
        if all.allSatisfy({ transportStreamCodecs.contains($0.pointer.pointee.codec_id.rawValue) }) { return .mpegts }
        return .matroska
    }

    /// Opens `<base>.<mp4|ts|mkv>.part` for `streams` and writes the header; `path` is `<base>.<mp4|ts|mkv>`.
    public init(base: String, streams: PacketStreams) throws {
        container = Self.container(for: streams)
        path = "\(base).\(container.fileExtension)"
        temporaryPath = path + ".part"
        self.streams = streams
        scratch = try Packet(path)
        var allocated: UnsafeMutablePointer<AVFormatContext>?
        try ffCheck(avformat_alloc_output_context2(&allocated, nil, container.rawValue, temporaryPath),
                    "cannot make a \(container.rawValue) muxer", path)
        guard let allocated else { throw MediaError(.internal, path, "cannot make a muxer") }
        context = allocated
        var opened: ClipFileOutput?
        do {
            try Self.addStream(streams.video, to: allocated, path)
            if let audio = streams.audio { try Self.addStream(audio, to: allocated, path) }
            audioIndex = streams.audio == nil ? nil : 1
            let made = try ClipFileOutput(path: temporaryPath)
            opened = made
            allocated.pointee.pb = made.context
            allocated.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
            let options = OptionDictionary(container == .mp4 ? ["movflags": "+faststart"] : [:])
            try ffCheck(avformat_write_header(allocated, &options.pointer), "cannot write the clip header", temporaryPath,
                        otherwise: .output)
        } catch {
            state = .finished
            try? Self.release(allocated, opened)
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw error
        }
        output = opened
    }

    deinit {
        if state == .open { _ = try? finish() }
    }

    private static func addStream(_ parameters: StreamParameters, to context: UnsafeMutablePointer<AVFormatContext>,
                                  _ location: String) throws {
        guard let stream = avformat_new_stream(context, nil) else { throw MediaError(.internal, location, "out of memory") }
        try ffCheck(avcodec_parameters_copy(stream.pointee.codecpar, parameters.pointer), "cannot copy codec parameters",
                    location)
        stream.pointee.codecpar.pointee.codec_tag = 0  // let the muxer pick its own tag for the codec
        stream.pointee.time_base = parameters.timeBase
    }

    /// Frees the muxer, then writes what the output still holds and closes the file (if open).
    private static func release(_ context: UnsafeMutablePointer<AVFormatContext>, _ output: ClipFileOutput?) throws {
        context.pointee.pb = nil
        avformat_free_context(context)
        try output?.close()
    }

    /// Writes one packet (see the type's notes on what is skipped). A write failure (disk full, file too large) is
    /// an `.output` error; the recorder should then be `abandon()`ed.
    public func write(_ packet: EncodedPacket) throws {
        guard state == .open else { return }
        let index: Int32
        if packet.isVideo { index = 0 } else if let audioIndex { index = audioIndex } else { return }
        if offset == nil {
            guard packet.isVideo, packet.isKeyframe, packet.pts.isFinite else { skippedPackets += 1; return }
            offset = packet.dts.isFinite ? min(packet.dts, packet.pts) : packet.pts
            startPTS = packet.pts
        }
        guard let offset, packet.pts.isFinite, packet.isVideo || packet.pts >= offset - 1e-6,
              let output = context.pointee.streams[Int(index)]
        else { skippedPackets += 1; return }
        try ffCheck(av_packet_ref(scratch.pointer, packet.pointer), "out of memory", path)
        let p = scratch.pointer, nopts = vigil_nopts_value(), source = packet.timeBase
        let target = output.pointee.time_base
        let shift = Int64((offset / av_q2d(source)).rounded())
        if p.pointee.pts != nopts { p.pointee.pts = av_rescale_q(p.pointee.pts - shift, source, target) }
        if p.pointee.dts != nopts { p.pointee.dts = av_rescale_q(p.pointee.dts - shift, source, target) }
        p.pointee.duration = av_rescale_q(p.pointee.duration, source, target)
        p.pointee.stream_index = index
        p.pointee.pos = -1
        let dts = p.pointee.dts != nopts ? p.pointee.dts : p.pointee.pts
        guard dts > lastDTS[Int(index)] else {
            scratch.unref()
            skippedPackets += 1
            return
        }
        lastDTS[Int(index)] = dts
        let code = av_interleaved_write_frame(context, p)  // takes the reference
        scratch.unref()
        try ffCheck(code, "cannot write the clip", temporaryPath, otherwise: .output)
        writtenPackets += 1
        writtenBytes += packet.size
        if packet.isVideo { endPTS = max(endPTS, packet.pts) }
    }

    /// Writes the index (MP4: moved to the front), closes the file and renames it to `path`. Returns `path`, or nil
    /// when no packet was written (then no file is left). Later calls return nil.
    @discardableResult
    public func finish() throws -> String? {
        guard state == .open else { return nil }
        state = .finished
        guard writtenPackets > 0 else {
            try? Self.release(context, output)
            try? FileManager.default.removeItem(atPath: temporaryPath)
            return nil
        }
        let trailer = av_write_trailer(context)
        do {
            try Self.release(context, output)
            try ffCheck(trailer, "cannot finish the clip", temporaryPath, otherwise: .output)
        } catch {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw error
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw MediaError(.output, path, "cannot rename the finished clip (\(reason))")
        }
        return path
    }

    /// Gives up the clip: closes and deletes the partial file (after a write failure).
    public func abandon() {
        guard state == .open else { return }
        state = .finished
        try? Self.release(context, output)
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}
