// Option groups whose flags are settings: each sets its part of Pipeline's SettingFlags, which holds the one range
// check of every setting flag (NumberLimits), so a flag is checked the same way in every command.
import ArgumentParser
import Pipeline

/// A group of setting flags (or a command holding some).
protocol SettingFlagGroup: ParsableArguments {
    /// Sets these flags in `flags` (a flag not given stays nil).
    func apply(to flags: inout SettingFlags)
}

extension SettingFlagGroup {
    /// These flags checked by `SettingFlags.problem`: a usage error naming the first bad one (exit 64).
    func checkFlags() throws {
        var flags = SettingFlags()
        apply(to: &flags)
        if let problem = flags.problem { throw ValidationError(problem) }
    }
}
