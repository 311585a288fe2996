// Refuses FFmpeg's opens of local paths that are not regular files, so a playlist naming a FIFO cannot hang us, and
// bounds how many files a demuxer may open before the input is open, so a playlist naming itself cannot either.
import CFFmpeg

/// Sits in a format context's `io_open` and turns away every open of a local path that is not a regular file.
///
/// Demuxers such as hls, image2 and mov (external references) open further files (segments, keys) inside
/// `avformat_open_input` and `av_read_frame` through this callback (concat and dash do not: `MediaSource` refuses
/// local inputs of theirs, see `UnguardedDemuxer`). `open(2)` on a FIFO blocks in the kernel until a writer comes, where no interrupt callback can
/// wake it, and a device such as /dev/zero never ends. Every other open goes on to FFmpeg's own `io_open`.
///
/// While `openLimit` is set (during opening and probing) the guard also stops after that many opens: FFmpeg 5.1's
/// hls demuxer, given a master playlist that names itself as a variant, adds a variant per parse and never stops
/// (9.5 GB in 70 s here), without asking the interrupt callback.
final class NestedInputGuard {
    /// FFmpeg's `io_open`, which the guard calls for everything it lets through.
    private let defaultOpen: IOOpen?
    /// Why the first open was turned away ("refers to never.ts, which is a named pipe (FIFO), not a regular file").
    private(set) var refusal: String?
    /// How many opens are allowed from now on (nil = no limit).
    var openLimit: Int? {
        didSet { opens = 0 }
    }
    private var opens = 0

    typealias IOOpen = @convention(c) (UnsafeMutablePointer<AVFormatContext>?,
                                       UnsafeMutablePointer<UnsafeMutablePointer<AVIOContext>?>?,
                                       UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Int32

    /// Installs a guard in `context` (through its `opaque`); `context` must not outlive the returned guard.
    init(installingIn context: UnsafeMutablePointer<AVFormatContext>) {
        defaultOpen = context.pointee.io_open
        context.pointee.io_open = guardedOpen
        context.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Throws `.malformed` for `location` once an open was turned away.
    func check(_ location: String) throws {
        if let refusal { throw MediaError(.malformed, location, refusal) }
    }

    /// The refusal for `url` when it names a local path that is not a regular file, else nil. FFmpeg's own
    /// prefixes for local files (`file:`, and `crypto+`/`crypto:` for encrypted segments) are looked through.
    static func refusal(for url: String) -> String? {
        var path = Substring(url)
        for prefix in ["crypto+", "crypto:", "file://", "file:"] where path.hasPrefix(prefix) {
            path = path.dropFirst(prefix.count)
        }
        guard let refusal = LocalFileKind(path: String(path))?.refusal else { return nil }
        return "\(path), which \(refusal)"
    }

    fileprivate func open(_ context: UnsafeMutablePointer<AVFormatContext>?,
                          _ pb: UnsafeMutablePointer<UnsafeMutablePointer<AVIOContext>?>?, _ url: UnsafePointer<CChar>?,
                          _ flags: Int32, _ options: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
        if let url, let refused = Self.refusal(for: String(cString: url)) {
            if refusal == nil { refusal = "refers to \(refused)" }
            return vigil_averror(EINVAL)
        }
        opens += 1
        if let openLimit, opens > openLimit {
            if refusal == nil { refusal = "opens more than \(openLimit) files before its first packet (a playlist naming itself?)" }
            return vigil_averror(EINVAL)
        }
        return defaultOpen?(context, pb, url, flags, options) ?? vigil_averror(EINVAL)
    }
}

/// The `io_open` of every format context Vigil opens: a non-capturing C function that finds its guard in `opaque`.
private let guardedOpen: NestedInputGuard.IOOpen = { context, pb, url, flags, options in
    guard let opaque = context?.pointee.opaque else { return vigil_averror(EINVAL) }
    return Unmanaged<NestedInputGuard>.fromOpaque(opaque).takeUnretainedValue().open(context, pb, url, flags, options)
}
