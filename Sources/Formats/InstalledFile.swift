// Files installed with the program (the default pipeline, model weights), found beside the executable.
import Foundation

/// Where vigil finds a file it ships or fetches at set-up: beside the program, never in the working directory.
public enum InstalledFile {
    /// Where `relativePath` (e.g. `pipelines/default.yaml`) is looked for, in order: `share/vigil/<relativePath>`
    /// beside an installed `bin/`, then `<relativePath>` in the program's folder and up to three folders above it
    /// (a build tree such as `.build/release/vigil`).
    public static func candidates(_ relativePath: String, executable: URL?) -> [URL] {
        guard let executable else { return [] }
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [folder.deletingLastPathComponent().appendingPathComponent("share/vigil/\(relativePath)")]
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(relativePath))
            folder = folder.deletingLastPathComponent()
        }
        return candidates
    }

    /// The first of `candidates` that exists, or nil.
    public static func locate(_ relativePath: String, executable: URL?) -> URL? {
        candidates(relativePath, executable: executable).first { FileManager.default.fileExists(atPath: $0.path) }
    }
}
