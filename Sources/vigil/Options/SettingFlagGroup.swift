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
    /// ArgumentParser's check before `run`: `checkFlags()` (a group with more to check writes its own and calls it).
    func validate() throws {
        try checkFlags()
    }

    /// These flags checked by `SettingFlags.problem`: a usage error naming the first bad one (exit 64).
    func checkFlags() throws {
        var flags = SettingFlags()
        apply(to: &flags)
        if let problem = flags.problem { throw ValidationError(problem) }
    }
}
