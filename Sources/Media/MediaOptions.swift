// How a source is opened: timeouts for network inputs and the protocol options that enforce them.

/// Options for opening a `MediaSource`. `openTimeout` and `readTimeout` apply to network URLs (anything with a
/// scheme other than `file:`) and to reads of local HLS playlists, which wait for live segments; a local file gets
/// only `localOpenTimeout`.
public struct MediaOptions: Sendable {
    /// Seconds allowed for opening and probing the input (nil = no limit).
    public var openTimeout: Double? = 10
    /// Seconds a single read may wait for data before the input counts as gone (nil = no limit).
    public var readTimeout: Double? = 10
    /// Seconds allowed for opening and probing a local file (nil = no limit). A media file opens in milliseconds;
    /// only a playlist takes longer (one that names itself, or a live one waiting for segments).
    public var localOpenTimeout: Double? = 30
    /// RTSP transport: "tcp" (default) or "udp".
    public var rtspTransport = "tcp"
    /// Extra demuxer/protocol options for avformat_open_input; they override the ones derived from the timeouts.
    public var protocolOptions: [String: String] = [:]
    /// Set for a local file that is still being written: opening and probing see the file as it is now (they never
    /// wait for it to grow), then reading follows it (the file protocol's `follow`) and ends, as at the end of any
    /// file, once a read has waited this many seconds for more data (`rw_timeout`). nil: a local file ends where it
    /// ends when read. Ignored for network inputs.
    public var tailSeconds: Double?

    public init(openTimeout: Double? = 10, readTimeout: Double? = 10, rtspTransport: String = "tcp",
                protocolOptions: [String: String] = [:]) {
        self.openTimeout = openTimeout
        self.readTimeout = readTimeout
        self.rtspTransport = rtspTransport
        self.protocolOptions = protocolOptions
    }

    /// The URL scheme of `location` in lower case ("" for a plain path).
    static func scheme(of location: String) -> String {
        guard let range = location.range(of: "://") else { return "" }
        return location[..<range.lowerBound].lowercased()
    }

    /// Whether `location` is a network input (so deadlines apply). Standard input (`-`) counts as one: a stream
    /// that can be read once, in order, and may stall.
    static func isNetwork(_ location: String) -> Bool {
        if MediaSource.isStandardInput(location) { return true }
        let scheme = scheme(of: location)
        return !scheme.isEmpty && scheme != "file"
    }

    /// The avformat_open_input options for `location`: `timeout` (µs) for udp/rtp/rtsp/srt, `rw_timeout` (µs) for
    /// http(s)/tcp, `rtsp_transport` for rtsp, `rw_timeout` (µs) for a tailed local file; then `protocolOptions`.
    func dictionary(for location: String) -> [String: String] {
        var result: [String: String] = [:]
        let micros = readTimeout.map { String(Int64($0 * 1_000_000)) }
        switch Self.scheme(of: location) {
        case "rtsp", "rtsps":
            result["rtsp_transport"] = rtspTransport
            result["timeout"] = micros
        case "udp", "rtp", "srt":
            result["timeout"] = micros
        case "http", "https", "tcp", "tls":
            result["rw_timeout"] = micros
        case "", "file":
            result["rw_timeout"] = tailSeconds.map { String(Int64($0 * 1_000_000)) }
        default:
            break
        }
        result.merge(protocolOptions) { _, new in new }
        return result
    }
}
