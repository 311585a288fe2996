// FileAccess: opening input files (memory-mapped) and writing output files, with FormatError on failure.
import Foundation

/// Reads a whole regular file, memory-mapped where the platform allows; missing or unreadable → exit status 66.
func readInputFile(_ url: URL) throws -> Data {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw FormatError(.unreadable, path: path, "no such file")
    }
    guard !isDirectory.boolValue else {
        throw FormatError(.unreadable, path: path, "is a directory, not a file")
    }
    do {
        return try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
        throw FormatError(.unreadable, path: path, "cannot be read (\(error.localizedDescription))")
    }
}

/// Writes `data` to `url` atomically; failure → exit status 74.
func writeOutputFile(_ data: Data, to url: URL) throws {
    do {
        try data.write(to: url, options: .atomic)
    } catch {
        throw FormatError(.writeFailed, path: url.path, "cannot be written (\(error.localizedDescription))")
    }
}
