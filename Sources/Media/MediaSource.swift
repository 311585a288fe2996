// An opened file or URL: its facts (`info`), and the entry points for sampling, streaming and audio.
import CFFmpeg
import Foundation

/// A file or any URL FFmpeg can read (rtsp, http, udp, …), opened and probed. Use it from one thread; stop it from
/// another through `abortHandle`.
public final class MediaSource {
    /// The path or URL as given.
    public let location: String
    public let options: MediaOptions
    /// Aborts this source's blocking calls from any thread.
    public let abortHandle: MediaAbortHandle
    /// Container and stream facts (what `vigil info` prints).
    public private(set) var info: MediaInfo

    let format: FormatContext
    /// Whether nothing has been read since opening (so decoding can start without a seek).
    var isAtStart = true
    /// The demux-only index of the video stream, once built.
    private var cachedIndex: VideoIndex?

    /// Opens and probes `location`. Local paths are checked first so a missing file, a directory, a FIFO, a device
    /// or an empty file gets a plain reason. For local files the video stream's frame count is exact (see
    /// `StreamInfo.frameCount`), except for a file still being written (`MediaOptions.tailSeconds`), which has none.
    public init(url location: String, options: MediaOptions = MediaOptions(), abortHandle: MediaAbortHandle = MediaAbortHandle()) throws {
        FFmpegLog.quiet()
        if !MediaOptions.isNetwork(location) { try Self.checkLocalFile(location) }
        self.location = location
        self.options = options
        self.abortHandle = abortHandle
        if Self.isStandardInput(location) { Self.prepareStandardInput() }
        self.format = try FormatContext(
            Self.isStandardInput(location) ? "pipe:0" : location, options: options, abortHandle: abortHandle)
        self.info = MediaInfo(format: format, location: location)
        if let video = info.videoStream, !MediaOptions.isNetwork(location), options.tailSeconds == nil {
            try countFrames(of: video)
        }
    }

    /// The stream FFmpeg considers best of `type`, if any.
    func bestStream(_ type: AVMediaType) -> UnsafeMutablePointer<AVStream>? {
        let index = type == AVMEDIA_TYPE_VIDEO ? info.videoStream : info.audioStream
        guard let index else { return nil }
        return format.streams.first { $0.pointee.index == Int32(index) }
    }

    /// The video stream, or `.noStream`.
    func videoStream() throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = bestStream(AVMEDIA_TYPE_VIDEO) else { throw MediaError(.noStream, location, "has no video stream") }
        return stream
    }

    /// Whether `location` names standard input: `-` (what `vigil watch -` and `vigil classify -` read).
    public static func isStandardInput(_ location: String) -> Bool { location == "-" }

    /// Makes reads of standard input non-blocking, so FFmpeg's read loop keeps asking the interrupt callback (a stalled
    /// or aborted pipe then ends like a stalled network input instead of hanging in read(2)).
    private static func prepareStandardInput() {
        let flags = fcntl(0, F_GETFL)
        if flags >= 0 { _ = fcntl(0, F_SETFL, flags | O_NONBLOCK) }
    }

    /// The index of the video stream, built on first use: from the MP4/MOV sample table when it can be trusted
    /// (`VideoIndex(sampleTableOf:)`), else by a demux-only pass of a second demuxer on the same input. With
    /// `packetsOnly`, or `VIGIL_SAMPLE_INDEX=packets` in the environment, always by the pass.
    func videoIndex(packetsOnly: Bool = false) throws -> VideoIndex {
        if let cachedIndex, !packetsOnly || cachedIndex.source == .packets { return cachedIndex }
        if Self.isStandardInput(location) {
            throw MediaError(.usage, location, "is standard input, which can be read only once: sample it by rate (--fps), not by count")
        }
        let stream = try videoStream()
        if !packetsOnly, !MediaOptions.isNetwork(location), options.tailSeconds == nil,
           ProcessInfo.processInfo.environment["VIGIL_SAMPLE_INDEX"] != "packets",
           let index = VideoIndex(sampleTableOf: stream, format: format, path: Self.localPath(location)) {
            cachedIndex = index
            return index
        }
        let index = try VideoIndex(location, stream: stream.pointee.index, options: options, abortHandle: abortHandle)
        cachedIndex = index
        return index
    }

    /// Fills in the video stream's exact frame count: the container's when its sample table is exact, else a count
    /// of packets from a demux-only pass.
    private func countFrames(of streamIndex: Int) throws {
        guard let position = info.streams.firstIndex(where: { $0.index == streamIndex }),
              let stream = bestStream(AVMEDIA_TYPE_VIDEO) else { return }
        if let exact = ContainerFrameCount.exact(stream, format: format) {
            info.streams[position].frameCount = exact
            info.streams[position].frameCountSource = "container"
        } else {
            info.streams[position].frameCount = try videoIndex().frameCount
            info.streams[position].frameCountSource = "packets"
        }
    }

    /// The file path of a local `location` (a `file://` URL or a path).
    private static func localPath(_ location: String) -> String {
        location.hasPrefix("file://") ? String(location.dropFirst(7)) : location
    }

    private static func checkLocalFile(_ location: String) throws {
        let path = localPath(location)
        guard let kind = LocalFileKind(path: path) else { throw MediaError(.missingInput, location, "no such file") }
        if let refusal = kind.refusal { throw MediaError(.missingInput, location, refusal) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw MediaError(.missingInput, location, "permission denied") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw MediaError(.malformed, location, "is an empty file (0 bytes)") }
        if let refusal = UnguardedDemuxer.refusal(forFileAt: path) ?? MP4SampleCountGuard.refusal(forFileAt: path) {
            throw MediaError(.malformed, location, refusal)
        }
    }
}
