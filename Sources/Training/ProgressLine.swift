// ProgressLine: what `vigil train` shows on stderr — a redrawn bar on a terminal, occasional log lines otherwise.
import Foundation

/// Renders training progress for stderr.
public struct ProgressLine {
    /// Whether stderr is a terminal (then the bar is redrawn in place).
    public let interactive: Bool
    private var lastLogged = Date.distantPast

    /// A progress renderer for the current stderr.
    public init(interactive: Bool = isatty(STDERR_FILENO) != 0) {
        self.interactive = interactive
    }

    /// The text to write after batch `done` of `total` in `epoch`, or nil when nothing should be written now
    /// (without a terminal: at most one line every 10 seconds).
    public mutating func update(epoch: Int, epochs: Int, done: Int, total: Int) -> String? {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        if interactive {
            let filled = Int(fraction * 30)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
            return "\r epoch \(epoch + 1)/\(epochs) \(bar) \(done)/\(total)" + (done == total ? "\n" : "")
        }
        guard Date().timeIntervalSince(lastLogged) >= 10 else { return nil }
        lastLogged = Date()
        return "vigil train: epoch \(epoch + 1)/\(epochs), batch \(done)/\(total)\n"
    }
}
