// Wall-clock seconds spent in each stage of a run, for the JSON output and the benchmarks.
import Foundation

/// Seconds per stage. `decode` includes demuxing, decoding, scaling and resampling.
public struct StageTimings: Encodable, Sendable, Equatable {
    public var open = 0.0
    public var decode = 0.0
    public var rgb = 0.0
    public var audio = 0.0
    public var model = 0.0
    public var total = 0.0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case open, decode, model, total
        case rgb = "extract_rgb"
        case audio = "extract_audio"
    }
}

/// Runs `body` and adds the seconds it took to `seconds`.
func timed<T>(_ seconds: inout Double, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    defer { seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    return try body()
}
