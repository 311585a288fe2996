// A one-line progress bar on stderr, drawn only when stderr is a terminal.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Redraws `[#####-----]  50%  name` on stderr; does nothing when stderr is not a terminal.
public final class ProgressBar {
    private let name: String
    private let enabled: Bool
    private var lastPercent = -1

    public init(name: String, enabled: Bool = isatty(2) == 1) {
        self.name = name
        self.enabled = enabled
    }

    /// Shows `fraction` (0…1) done.
    public func update(_ fraction: Double) {
        guard enabled else { return }
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent / 5
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(String(format: "%3d", percent))%  \(name)".utf8))
    }

    /// Clears the line.
    public func finish() {
        guard enabled, lastPercent >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
