// Sequential decoding of a file or live stream: frames (optionally thinned to a rate) and 16 kHz mono audio, in order.
import CFFmpeg

/// What a `MediaReader` should produce.
public struct ReadRequest: Sendable {
    /// Decode the video stream.
    public var video: Bool
    /// RGB size of the frames (nil = each frame's own size).
    public var size: FrameSize?
    /// Keep only the first decoded frame of each 1/fps slot of presentation time (nil = every frame). Frames that
    /// are not kept are decoded (references need them) but never converted to RGB; frames without a timestamp (the
    /// first RTSP frames before timing is known) are not kept. Without a rate they are kept with `pts` NaN.
    public var framesPerSecond: Double?
    /// Ask the decoder not to decode non-reference frames at all (h264, hevc, mpeg-1/2/4); with a rate, the frame
    /// kept for a slot is then the first reference frame in it.
    public var skipNonReference: Bool
    /// Decode the audio stream to 16 kHz mono Float32.
    public var audio: Bool
    /// With a rate: decode keyframes only and keep the one nearest each 1/fps instant (`.keyframes`), every frame
    /// (`.all`), or keyframes only while the stream's keyframe interval fits the rate (`.auto`, see KeyframeSampling).
    public var decoding: FrameDecoding

    public init(video: Bool = true, size: FrameSize? = nil, framesPerSecond: Double? = nil,
                skipNonReference: Bool = false, audio: Bool = false, decoding: FrameDecoding = .all) {
        self.video = video
        self.size = size
        self.framesPerSecond = framesPerSecond
        self.skipNonReference = skipNonReference
        self.audio = audio
        self.decoding = decoding
    }
}

/// One item a `MediaReader` yields.
public enum MediaItem: Sendable {
    case video(VideoFrame)
    case audio(AudioChunk)
}

/// Decoded audio: 16 kHz mono Float32 samples starting at `pts` seconds.
public struct AudioChunk: Sendable {
    public let pts: Double
    public let samples: [Float]
}

/// Decodes a source from where it stands (the start, for a fresh source) to its end, yielding frames and audio in
/// the order the input delivers them. For live inputs: `next()` blocks until data arrives, throws `.unavailable`
/// when the read timeout passes, and returns nil at the end of the stream or once `source.abortHandle.abort()` is
/// called from another thread.
public final class MediaReader {
    public let source: MediaSource
    private let request: ReadRequest
    private let packet: Packet
    private let video: Decoder?
    private let audio: Decoder?
    private let scaler: FrameScaler
    private let resampler: AudioResampler
    private var ready: [MediaItem] = []
    private var finished = false
    private var firstPTS: Double?
    private var lastSlot = Int.min
    private var lastVideoPTS: Double?
    private var keyframes: KeyframeSampling
    private let picker: NearestKeyframePicker

    /// Whether the video decoder decodes keyframes only now (see `ReadRequest.decoding`).
    public var decodesKeyframesOnly: Bool { keyframes.isActive }

    /// Frames decoded so far (kept or not), in presentation order; the next frame's `index`.
    public private(set) var decodedFrames = 0

    /// Sees every packet of the video and audio streams read, before it is decoded (clips keep them; see
    /// `PacketRing`). Called on the reading thread.
    public var packetObserver: ((EncodedPacket) -> Void)?

    /// Frames the decoders rejected or flagged as damaged so far (skipped, not fatal).
    public var damagedFrames: Int { (video?.damagedFrames ?? 0) + (audio?.damagedFrames ?? 0) }

    /// Prepares decoders for what `request` asks; `.noStream` if the source lacks a stream it asks for.
    public init(_ source: MediaSource, _ request: ReadRequest) throws {
        self.source = source
        self.request = request
        let location = source.location
        packet = try Packet(location)
        video = request.video ? try Decoder(source.videoStream(), location) : nil
        audio = request.audio ? try Decoder(source.audioStream(), location) : nil
        scaler = FrameScaler(size: request.size, location)
        resampler = AudioResampler(location)
        keyframes = KeyframeSampling(choice: request.decoding, framesPerSecond: request.framesPerSecond)
        picker = try NearestKeyframePicker(location)
        source.format.discardAll(except: Set([video, audio].compactMap { $0?.stream.pointee.index }))
        source.isAtStart = false
    }

    /// The next frame or audio chunk; nil at the end, and at once after an abort (what was queued is dropped).
    public func next() throws -> MediaItem? {
        if source.abortHandle.isAborted { finished = true; ready.removeAll() }
        while ready.isEmpty && !finished { try step() }
        return ready.isEmpty ? nil : ready.removeFirst()
    }

    /// Reads one packet and decodes it; at the end, flushes decoders and the resampler.
    private func step() throws {
        guard try source.format.read(into: packet) == .endOfStream else {
            defer { packet.unref() }
            let stream = packet.pointer.pointee.stream_index
            if let packetObserver { observe(stream, packetObserver) }
            if let video, stream == video.stream.pointee.index {
                if packet.isKey, keyframes.observe(keyPacketAt: packet.seconds(video.timeBase)), !keyframes.isActive {
                    picker.reset()
                }
                try video.decode(packet, skipIfNonReference: request.skipNonReference, keyframesOnly: keyframes.isActive) {
                    try take(video: $0, video)
                }
            } else if let audio, stream == audio.stream.pointee.index {
                try audio.decode(packet) { try take(audio: $0, audio) }
            }
            return
        }
        finished = true
        guard !source.abortHandle.isAborted else { return }
        if let video { try video.decode(nil) { try take(video: $0, video) } }
        if let audio { try audio.decode(nil) { try take(audio: $0, audio) } }
        let tail = try resampler.flush()
        if !tail.isEmpty { ready.append(.audio(AudioChunk(pts: .nan, samples: tail))) }
    }

    /// Hands the packet just read to `observer` when it belongs to a decoded stream.
    private func observe(_ stream: Int32, _ observer: (EncodedPacket) -> Void) {
        let decoder: Decoder
        if let video, video.stream.pointee.index == stream {
            decoder = video
        } else if let audio, audio.stream.pointee.index == stream {
            decoder = audio
        } else {
            return
        }
        guard let copy = EncodedPacket(referencing: packet.pointer, timeBase: decoder.stream.pointee.time_base,
                                       isVideo: decoder === video)
        else { return }
        observer(copy)
    }

    /// The parameters of the streams whose packets `packetObserver` sees (video always, audio when decoded).
    public func packetStreams() throws -> PacketStreams {
        guard let video else { throw MediaError(.noStream, source.location, "has no video stream") }
        return PacketStreams(video: try StreamParameters(video.stream, source.location),
                             audio: try audio.map { try StreamParameters($0.stream, source.location) })
    }

    /// A video timestamp this far below the previous one starts a new timeline (a smaller step back is reordering):
    /// the sampling grid restarts there, and `watch` continues its windows on a new clock.
    public static let backwardJumpSeconds = 1.0

    private func take(video frame: Frame, _ decoder: Decoder) throws {
        let index = decodedFrames
        decodedFrames += 1
        let pts = frame.timestamp.map { Double($0) * decoder.timeBase } ?? .nan
        if let rate = request.framesPerSecond, rate > 0 {
            guard pts.isFinite else { return }  // a frame with no timestamp cannot be placed in a slot
            if let previous = lastVideoPTS, pts < previous - MediaReader.backwardJumpSeconds {
                (firstPTS, lastSlot) = (nil, Int.min)  // timestamps restarted (concatenated segments): a new grid
            }
            lastVideoPTS = pts
            let start = firstPTS ?? pts
            firstPTS = start
            if keyframes.isActive {  // the keyframe nearest each instant; slots and instants share one grid
                var next = lastSlot == Int.min ? 0 : lastSlot + 1
                try picker.offer(frame, index: index, pts: pts, start: start, rate: rate, nextInstant: &next) {
                    ready.append(.video(try scaler.convert($0, index: $1, pts: $2)))
                }
                lastSlot = next - 1
                return
            }
            let slot = Int(((pts - start) * rate + 1e-6).rounded(.down))
            guard slot > lastSlot else { return }
            lastSlot = slot
        }
        ready.append(.video(try scaler.convert(frame, index: index, pts: pts)))
    }

    private func take(audio frame: Frame, _ decoder: Decoder) throws {
        let pts = frame.timestamp.map { Double($0) * decoder.timeBase } ?? .nan
        let samples = try resampler.convert(frame)
        if !samples.isEmpty { ready.append(.audio(AudioChunk(pts: pts, samples: samples))) }
    }
}

extension MediaSource {
    /// The audio stream, or `.noStream`.
    func audioStream() throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = bestStream(AVMEDIA_TYPE_AUDIO) else { throw MediaError(.noStream, location, "has no audio stream") }
        return stream
    }

    /// A sequential reader of this source (see `MediaReader`).
    public func reader(_ request: ReadRequest = ReadRequest()) throws -> MediaReader {
        try MediaReader(self, request)
    }

    /// The whole audio stream as 16 kHz mono Float32 samples, decoded from where the source stands.
    public func audioSamples() throws -> [Float] {
        let reader = try MediaReader(self, ReadRequest(video: false, audio: true))
        var samples: [Float] = []
        while let item = try reader.next() {
            if case .audio(let chunk) = item { samples += chunk.samples }
        }
        return samples
    }
}
