// stdout for the commands: JSON Lines only, through the one writer (Stream's JSONLineWriter).
import Stream

/// What every command prints on stdout goes through here: one JSON object per line, keys sorted. A failed write
/// (stdout closed, disk full) throws `StreamError.write`, exit status 74.
public enum StandardOutput {
    /// Writes `value` as one JSON line on stdout.
    public static func writeLine(_ value: some Encodable) throws {
        try JSONLineWriter.standardOutput.write(value)
    }
}
