// The one funnel from FFmpeg return codes to Swift: negative AVERRORs become `MediaError`s, while "try again"
// (EAGAIN) and "end of stream" (AVERROR_EOF) come back as values, the way FFmpeg's own examples treat them.
import CFFmpeg

/// The outcome of an FFmpeg call that did not fail.
enum FFStatus: Equatable {
    /// Success, with the call's non-negative return value.
    case ok(Int32)
    /// EAGAIN: feed more input (or read output) and call again.
    case again
    /// AVERROR_EOF: nothing more will come.
    case endOfStream
}

/// FFmpeg's message for an error code (the one place its error strings are fetched).
func ffmpegMessage(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard av_strerror(code, &buffer, buffer.count) == 0 else { return "error \(code)" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Turns the return code of `step` (a few words such as "cannot open" or "decode") on `location` into a status,
/// or throws a `MediaError` whose kind comes from the code when it says something (missing file, bad data, network),
/// else `otherwise`. The reason in parentheses is `logged` (what FFmpeg logged while failing) when given, else the
/// code's message.
@discardableResult
func ffCheck(_ code: Int32, _ step: String, _ location: String, otherwise: MediaError.Kind = .internal,
             logged: String? = nil) throws -> FFStatus {
    if code >= 0 { return .ok(code) }
    if code == vigil_averror(EAGAIN) { return .again }
    if code == vigil_averror_eof() { return .endOfStream }
    throw MediaError(errorKind(code, otherwise: otherwise), location, "\(step) (\(logged ?? ffmpegMessage(code)))")
}

/// The `MediaError.Kind` an FFmpeg error code implies.
private func errorKind(_ code: Int32, otherwise: MediaError.Kind) -> MediaError.Kind {
    switch code {
    case vigil_averror(ENOENT), vigil_averror(EACCES), vigil_averror(EPERM), vigil_averror(EISDIR), vigil_averror(ENOTDIR):
        .missingInput
    case vigil_averror_invaliddata():
        .malformed
    case vigil_averror(ETIMEDOUT), vigil_averror(ECONNREFUSED), vigil_averror(ECONNRESET), vigil_averror(EHOSTUNREACH),
         vigil_averror(ENETUNREACH), vigil_averror(EPIPE), vigil_averror_exit():
        .unavailable
    default:
        otherwise
    }
}
