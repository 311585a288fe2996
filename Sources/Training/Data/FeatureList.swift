// FeatureList: PaddleVideo's train.list / val.list convention, one feature file per line.
import Foundation

/// The feature files a list names, in order. Relative paths are relative to the list's directory; blank lines and
/// lines starting with `#` are skipped.
public enum FeatureList {
    /// Reads the list at `url`; fails naming the list when it is unreadable or names no files.
    public static func read(_ url: URL) throws -> [URL] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw TrainingError.unreadable(path: url.path, reason: exists ? "cannot read the list as UTF-8 text" : "no such file")
        }
        let directory = url.deletingLastPathComponent()
        let files = text.split(whereSeparator: \.isNewline).compactMap { line -> URL? in
            let path = line.trimmingCharacters(in: .whitespaces)
            if path.isEmpty || path.hasPrefix("#") { return nil }
            return path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
        }
        guard !files.isEmpty else { throw TrainingError.malformed(path: url.path, reason: "the list names no feature files") }
        return files
    }
}
