// Refuses FFmpeg's opens of local paths that are not regular files, so a playlist naming a FIFO cannot hang us.
import CFFmpeg

/// Sits in a format context's `io_open` and turns away every open of a local path that is not a regular file.
///
/// Demuxers such as hls, dash and concat open further files (segments, keys) inside `avformat_open_input` and
/// `av_read_frame`. `open(2)` on a FIFO blocks in the kernel until a writer comes, where no interrupt callback can
/// wake it, and a device such as /dev/zero never ends. Every other open goes on to FFmpeg's own `io_open`.
final class NestedInputGuard {
    /// FFmpeg's `io_open`, which the guard calls for everything it lets through.
    private let defaultOpen: IOOpen?
    /// The first path turned away and why ("never.ts, which is a named pipe (FIFO), not a regular file").
    private(set) var refusal: String?

    typealias IOOpen = @convention(c) (UnsafeMutablePointer<AVFormatContext>?,
                                       UnsafeMutablePointer<UnsafeMutablePointer<AVIOContext>?>?,
                                       UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Int32

    /// Installs a guard in `context` (through its `opaque`); `context` must not outlive the returned guard.
    init(installingIn context: UnsafeMutablePointer<AVFormatContext>) {
        defaultOpen = context.pointee.io_open
        context.pointee.io_open = guardedOpen
        context.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Throws `.malformed` for `location` once an open was turned away ("refers to never.ts, which is a named
    /// pipe (FIFO), not a regular file").
    func check(_ location: String) throws {
        if let refusal { throw MediaError(.malformed, location, "refers to \(refusal)") }
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
            if refusal == nil { refusal = refused }
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
