// Local files whose demuxer would open further files past NestedInputGuard, found by FFmpeg's own probe.
import CFFmpeg
import Foundation

/// The demuxers that open the files an input names without going through the format context's `io_open`, so
/// `NestedInputGuard` cannot turn a FIFO away and `open(2)` would block: concat (a format context of its own per
/// file) and, in FFmpeg 5.1, dash (`avio_open2` per segment). Vigil does not read local inputs of theirs.
enum UnguardedDemuxer {
    /// The bytes of a file FFmpeg's probe looks at here (both formats are text with their signature at the start).
    static let probeSize = 64 * 1024

    /// The refusal for the local file at `path` when FFmpeg would read it with one of these demuxers, else nil.
    /// Only a match on content counts (a score above the one a file-name extension gives).
    static func refusal(forFileAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path),
              let head = try? handle.read(upToCount: probeSize), !head.isEmpty else { return nil }
        var buffer = [UInt8](head) + [UInt8](repeating: 0, count: Int(AVPROBE_PADDING_SIZE))
        var score = AVPROBE_SCORE_EXTENSION
        let format = path.withCString { filename in
            buffer.withUnsafeMutableBufferPointer { bytes in
                var probe = AVProbeData(filename: filename, buf: bytes.baseAddress, buf_size: Int32(head.count), mime_type: nil)
                return av_probe_input_format2(&probe, 1, &score)
            }
        }
        switch format.map({ String(cString: $0.pointee.name) }) {
        case "concat": return "is an ffconcat list, which vigil does not read (give it the files it names)"
        case "dash": return "is a local DASH manifest, which vigil does not read (serve it over http, or give it the segments)"
        default: return nil
        }
    }
}
