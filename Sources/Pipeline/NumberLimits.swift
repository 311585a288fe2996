// The one range check for every number a user gives (a flag, a pipeline file) before it reaches arithmetic that
// converts it to an integer or a deadline: a value outside its range is a one-line error, never a trap.

/// The ranges numbers from flags and pipeline files must fall in, and the check that names the offending one.
/// Flags fail with exit 64 (`ValidationError`, `PipelineError.usage`), pipeline-file keys with the file's own
/// `badValue` (exit 65, like every other bad value in a pipeline file); numbers inside data files are checked by
/// their format readers and models (exit 65).
public enum NumberLimits {
    /// Durations in seconds (windows, strides, timeouts, retry intervals, clip margins): 1 ms … 1,000,000 s (11.6 days).
    public static let seconds: ClosedRange<Double> = 0.001...1_000_000
    /// Frames sampled per second: 0.0001 … 1000.
    public static let framesPerSecond: ClosedRange<Double> = 0.0001...1000
    /// Uniform picks per video or window (`seg_num`): 1 … 100,000 (as many vectors as a watch window may keep).
    public static let segments: ClosedRange<Int> = 1...100_000
    /// Any other integer in a pipeline file (top_k, epochs, batch sizes, min_windows, …): at most 1,000,000,000.
    public static let largestInteger = 1_000_000_000
    /// Any other number in a pipeline file: magnitude at most 1e9.
    public static let largestNumber = 1e9

    /// Nil when `value` lies in `range`, else the reason, e.g. "must be between 0.001 and 1000000, got 1e+300".
    public static func problem(_ value: Double, in range: ClosedRange<Double>) -> String? {
        range.contains(value) ? nil : "must be between \(text(range.lowerBound)) and \(text(range.upperBound)), got \(text(value))"
    }

    /// Nil when `value` lies in `range`, else the reason.
    public static func problem(_ value: Int, in range: ClosedRange<Int>) -> String? {
        range.contains(value) ? nil : "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"
    }

    /// `value`, or `PipelineError.usage("<name> must be between …")` (exit 64).
    @discardableResult
    public static func checked(_ value: Double, _ name: String, in range: ClosedRange<Double>) throws -> Double {
        if let problem = problem(value, in: range) { throw PipelineError.usage("\(name) \(problem)") }
        return value
    }

    /// `value`, or `PipelineError.usage("<name> must be between …")` (exit 64).
    @discardableResult
    public static func checked(_ value: Int, _ name: String, in range: ClosedRange<Int>) throws -> Int {
        if let problem = problem(value, in: range) { throw PipelineError.usage("\(name) \(problem)") }
        return value
    }

    /// `value` (already rounded by the caller) as an Int, clamped to ±2^62 and 0 for NaN: for numbers derived from
    /// data (timestamps, row rates) where `Int(_:)` would trap on a value out of range.
    public static func clampedInt(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        return Int(min(max(value, -0x1p62), 0x1p62))
    }

    /// A whole number without ".0"; others as Swift prints them.
    static func text(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
