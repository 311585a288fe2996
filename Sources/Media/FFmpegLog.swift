// FFmpeg's own log lines stay off stderr unless asked for, so bad input yields exactly one line; the last error
// FFmpeg logs while opening an input is kept, so that line can say what FFmpeg found.
import CFFmpeg
import Foundation

/// Silences libav* logging once per process (`VIGIL_FFMPEG_LOG=1` keeps FFmpeg's warnings and errors on stderr), and
/// hands the last error-level line FFmpeg logs during `lastError(during:)` back to its caller.
enum FFmpegLog {
    private static let once: Void = {
        if ProcessInfo.processInfo.environment["VIGIL_FFMPEG_LOG"].map({ !$0.isEmpty && $0 != "0" }) ?? false {
            av_log_set_level(AV_LOG_WARNING)
        } else {  // nothing is printed; error-level lines are offered to `record`
            av_log_set_level(AV_LOG_ERROR)
            av_log_set_callback { context, level, format, arguments in
                // Lines without a context (a demuxer's, a protocol's) are asides, e.g. "Truncating packet of size …".
                guard level <= AV_LOG_ERROR, context != nil, let format, let arguments else { return }
                record { formatLine(context, level, format, arguments) }
            }
        }
    }()

    /// The threads inside `lastError(during:)`, and the last error each has seen so far.
    private static let listening = ThreadErrors()

    static func quiet() { once }

    /// Runs `body` (an FFmpeg call) and returns its result with the last error line FFmpeg logged on this thread
    /// meanwhile ("moov atom not found", "Picture size 0x0 is invalid"), if any: the one nearest the failure.
    static func lastError<Result>(during body: () -> Result) -> (Result, String?) {
        let thread = pthread_self()
        listening.withLock { $0[thread] = .some(nil) }
        let result = body()
        let logged = listening.withLock { $0.removeValue(forKey: thread) ?? nil }
        return (result, logged)
    }

    /// One log line as FFmpeg would print it, without its `[demuxer @ 0x…]` prefix and newline.
    private static func formatLine(_ context: UnsafeMutableRawPointer?, _ level: Int32, _ format: UnsafePointer<CChar>,
                                   _ arguments: CVaListPointer) -> String {
        var line = [CChar](repeating: 0, count: 512)
        var printPrefix: Int32 = 0
        av_log_format_line2(context, level, format, arguments, &line, Int32(line.count), &printPrefix)
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Keeps the line `format` makes as the calling thread's last error, if the thread is listening and the line
    /// is not blank.
    private static func record(_ format: () -> String) {
        let thread = pthread_self()
        listening.withLock { threads in
            guard threads[thread] != nil else { return }
            let line = format()
            if !line.isEmpty { threads[thread] = line }
        }
    }
}

/// The last error line of each listening thread, behind a lock (an NSLock, whose pthread mutex ThreadSanitizer
/// understands).
private final class ThreadErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [pthread_t: String?] = [:]

    func withLock<Result>(_ body: (inout [pthread_t: String?]) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&lines)
    }
}
