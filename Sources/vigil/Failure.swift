// How a failure reaches the user: one line on stderr, an exit status from docs/architecture.md.
import ArgumentParser
import Foundation
import Pipeline

/// Runs `body`; an error from a stage becomes `vigil: <one line>` on stderr and the stage's exit status.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CustomNSError & LocalizedError {
        Startup.yieldToStopSignal()
        FileHandle.standardError.write(Data("vigil: \(error.errorDescription ?? "\(error)")\n".utf8))
        throw ExitCode(Int32(truncatingIfNeeded: error.errorCode))
    } catch let error as ExitCode {
        throw error
    } catch {
        // Anything no stage describes (e.g. an encoding failure) is an internal error, still on one line.
        Startup.yieldToStopSignal()
        FileHandle.standardError.write(Data("vigil: internal error: \(error)\n".utf8))
        throw ExitCode(70)
    }
}

/// A flag's number outside `range` (`NumberLimits`) is a usage error naming the flag (exit 64).
func checkRange(_ value: Double?, _ flag: String, _ range: ClosedRange<Double>) throws {
    if let value, let problem = NumberLimits.problem(value, in: range) { throw ValidationError("\(flag) \(problem)") }
}

/// A flag's integer outside `range` is a usage error naming the flag (exit 64).
func checkRange(_ value: Int?, _ flag: String, _ range: ClosedRange<Int>) throws {
    if let value, let problem = NumberLimits.problem(value, in: range) { throw ValidationError("\(flag) \(problem)") }
}
