// FFmpeg's own log lines stay off stderr unless asked for, so bad input yields exactly one line.
import CFFmpeg
import Foundation

/// Silences libav* logging once per process; `VIGIL_FFMPEG_LOG=1` keeps FFmpeg's warnings and errors.
enum FFmpegLog {
    private static let once: Void = {
        let verbose = ProcessInfo.processInfo.environment["VIGIL_FFMPEG_LOG"].map { !$0.isEmpty && $0 != "0" } ?? false
        av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_QUIET)
    }()

    static func quiet() { once }
}
