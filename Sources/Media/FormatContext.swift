// Owns the demuxer of one input: opens it with the interrupt callback in place, reads packets, seeks, closes.
import CFFmpeg

/// Owns an AVFormatContext opened for reading (avformat_open_input / avformat_close_input).
final class FormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// The file path or URL, for error messages.
    let location: String
    let abortHandle: MediaAbortHandle
    /// The read deadline, armed only for network inputs and local HLS playlists (which wait for live segments).
    private let readTimeout: Double?
    /// Whether the input is a network URL (read failures are then `.unavailable`, not `.malformed`).
    private let network: Bool
    /// Whether reads follow a local file as it grows (`MediaOptions.tailSeconds`; not a playlist, whose segments its
    /// demuxer opens itself): a read that waited in vain is its end.
    private let following: Bool
    /// Turns away nested opens (playlist segments) of local paths that are not regular files.
    private let nestedInputs: NestedInputGuard

    /// How many files opening and probing may open: the input, and a master playlist's variants, renditions, keys
    /// and first segments.
    static let openLimit = 1000

    /// Opens `location` and probes its streams; the interrupt callback is set before avformat_open_input, so a
    /// deadline or `abortHandle.abort()` bounds opening, probing, reading and closing alike.
    init(_ location: String, options: MediaOptions, abortHandle: MediaAbortHandle) throws {
        guard let context = avformat_alloc_context() else { throw MediaError(.internal, location, "out of memory") }
        let network = MediaOptions.isNetwork(location)
        let nestedInputs = NestedInputGuard(installingIn: context)
        nestedInputs.openLimit = Self.openLimit
        context.pointee.interrupt_callback = AVIOInterruptCB(
            callback: interruptCallback, opaque: Unmanaged.passUnretained(abortHandle).toOpaque())
        let dictionary = OptionDictionary(options.dictionary(for: location))
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let openTimeout = network ? options.openTimeout : options.localOpenTimeout
        abortHandle.arm(openTimeout)
        let (code, logged) = FFmpegLog.lastError { avformat_open_input(&opened, location, nil, &dictionary.pointer) }
        guard code >= 0, let opened else {  // avformat_open_input freed the context
            try nestedInputs.check(location)
            throw Self.openError(code, location, abortHandle, timeout: openTimeout, logged: logged)
        }
        self.pointer = opened
        self.nestedInputs = nestedInputs
        self.location = location
        self.abortHandle = abortHandle
        let playlist = String(cString: opened.pointee.iformat.pointee.name) == "hls"
        self.readTimeout = network || playlist ? options.readTimeout : nil
        self.network = network
        following = !network && !playlist && options.tailSeconds != nil && opened.pointee.pb != nil
        let (probed, probeLogged) = FFmpegLog.lastError { avformat_find_stream_info(opened, nil) }
        abortHandle.arm(nil)
        nestedInputs.openLimit = nil  // a long playlist opens a segment every few seconds for as long as it plays
        try nestedInputs.check(location)
        if probed < 0 {
            throw Self.openError(probed, location, abortHandle, timeout: openTimeout, step: "cannot read stream info",
                                 logged: probeLogged)
        }
        if following { try follow() }
    }

    /// Turns on the file protocol's `follow` once probing is done. Probing with it on waits at the end of the data
    /// for the whole `rw_timeout` (MPEG-TS reads the file's last 250 kB to estimate its duration; a short file is
    /// probed to its end), so opening a complete file took the whole no-frames timeout.
    private func follow() throws {
        let set = av_opt_set_int(UnsafeMutableRawPointer(pointer.pointee.pb), "follow", 1, AV_OPT_SEARCH_CHILDREN)
        if set < 0 {
            throw MediaError(.internal, location, "cannot follow the file as it grows (\(ffmpegMessage(set)))")
        }
    }

    deinit {
        abortHandle.arm(readTimeout.map { min($0, 2) })  // closing a network input must not hang either
        var pointer: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&pointer)
    }

    /// The streams of the input.
    var streams: [UnsafeMutablePointer<AVStream>] {
        guard let list = pointer.pointee.streams else { return [] }
        return (0..<Int(pointer.pointee.nb_streams)).compactMap { list[$0] }
    }

    /// Reads the next packet into `packet`. `.endOfStream` at the end (of a followed file: no growth for its
    /// `tailSeconds`) and after `abort()`; a read that outlives the read timeout throws `.unavailable`; corrupt data
    /// throws `.malformed`.
    func read(into packet: Packet) throws -> FFStatus {
        abortHandle.arm(readTimeout)
        var code = av_read_frame(pointer, packet.pointer)
        while code == vigil_averror(EAGAIN) && !abortHandle.shouldInterrupt {  // MPEG-TS lost sync: not a packet
            code = av_read_frame(pointer, packet.pointer)
        }
        if following && code == vigil_averror(EIO) && !abortHandle.shouldInterrupt {
            return .endOfStream  // rw_timeout: the file has not grown for MediaOptions.tailSeconds, its end
        }
        if code < 0 && (code == vigil_averror_exit() || abortHandle.shouldInterrupt) {  // RTSP may say INVALIDDATA
            if abortHandle.isAborted { return .endOfStream }
            let reason = network ? "no data for \(Self.seconds(readTimeout))" : "no new segment for \(Self.seconds(readTimeout))"
            throw MediaError(.unavailable, location, "\(reason) (timed out)")
        }
        try nestedInputs.check(location)  // a refused segment would otherwise be skipped without a word
        return try ffCheck(code, "cannot read a packet", location, otherwise: network ? .unavailable : .malformed)
    }

    /// Seeks `stream` to the keyframe at or before `timestamp` (stream time base).
    func seek(stream: Int32, toKeyframeBefore timestamp: Int64) throws {
        abortHandle.arm(readTimeout)
        try ffCheck(av_seek_frame(pointer, stream, timestamp, AVSEEK_FLAG_BACKWARD), "cannot seek", location)
    }

    /// Makes the demuxer drop every stream but `keep` (saves copying packets nobody decodes).
    func discardAll(except keep: Set<Int32>) {
        for stream in streams {
            stream.pointee.discard = keep.contains(stream.pointee.index) ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
    }

    private static func openError(_ code: Int32, _ location: String, _ handle: MediaAbortHandle, timeout: Double?,
                                  step: String = "cannot open", logged: String?) -> MediaError {
        if code == vigil_averror_exit() || handle.shouldInterrupt {  // RTSP turns an interrupt into INVALIDDATA
            let reason = handle.isAborted ? "aborted while opening"
                : MediaOptions.isNetwork(location) ? "no answer within \(seconds(timeout)) (timed out)"
                : "still opening after \(seconds(timeout)) (timed out; a playlist naming itself or waiting for segments?)"
            return MediaError(.unavailable, location, reason)
        }
        do {
            try ffCheck(code, step, location, otherwise: MediaOptions.isNetwork(location) ? .unavailable : .malformed,
                        logged: logged)
            return MediaError(.malformed, location, "\(step) (end of file)")
        } catch let error as MediaError {
            return error
        } catch {
            return MediaError(.internal, location, "\(error)")
        }
    }

    private static func seconds(_ value: Double?) -> String {
        guard let value else { return "ever" }
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
