// FeatureList: PaddleVideo's train.list / val.list convention, one feature file per line.
import Formats
import Foundation

/// The feature files a list names, in order. Relative paths are relative to the list's directory; blank lines and
/// lines starting with `#` are skipped.
public enum FeatureList {
    /// Reads the list at `url`; fails naming the list when it is unreadable or names no files.
    public static func read(_ url: URL) throws -> [URL] {
        let data: Data
        do {
            data = try InputFile.read(url)  // a FIFO or a device is refused, not waited on
        } catch let error as FormatError {
            throw TrainingError.unreadable(path: url.path, reason: error.reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TrainingError.unreadable(path: url.path, reason: "cannot read the list as UTF-8 text")
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
