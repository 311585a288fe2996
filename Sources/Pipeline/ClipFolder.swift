// The folder clips and snapshots go to, shared by the cameras writing there; keeps it under its byte limit.
import Foundation

/// One clips folder. Cameras writing to the same folder share one `ClipFolder` (`ClipFolder.named`), so the
/// limit counts all of their files. Only finished clips and snapshots (`.mp4`, `.ts`, `.mkv`, `.jpg`) are counted and
/// deleted; files being written (`.part`) are not.
final class ClipFolder: @unchecked Sendable {
    let directory: URL
    private(set) var maxBytes: Int64?
    private let lock = NSLock()
    /// Files deleted to keep the folder under its limit.
    private(set) var deletedFiles = 0

    private static let registry = NSLock()
    nonisolated(unsafe) private static var folders: [String: ClipFolder] = [:]

    private init(_ directory: URL, maxBytes: Int64?) {
        self.directory = directory
        self.maxBytes = maxBytes
    }

    /// The folder at `path` (created if missing); the smallest limit asked for wins.
    static func named(_ path: String, maxBytes: Int64?) throws -> ClipFolder {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw PipelineError.output(path: path, reason: "cannot create the clips folder (\(error.localizedDescription))")
        }
        return registry.withLock {
            let folder = folders[url.path] ?? ClipFolder(url, maxBytes: maxBytes)
            if let maxBytes { folder.lock.withLock { folder.maxBytes = min(folder.maxBytes ?? maxBytes, maxBytes) } }
            folders[url.path] = folder
            return folder
        }
    }

    /// `name` (a file name) inside the folder.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Deletes the oldest finished files (by modification time) until the folder holds at most `maxBytes`; `keep`
    /// (the file just written) is never deleted.
    func enforceLimit(keeping keep: String) {
        lock.withLock {
            guard let maxBytes else { return }
            let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
            let names = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: keys)) ?? []
            var files = names.filter { ["mp4", "ts", "mkv", "jpg"].contains($0.pathExtension) }.compactMap {
                url -> (url: URL, size: Int64, date: Date)? in
                guard let values = try? url.resourceValues(forKeys: Set(keys)) else { return nil }
                return (url, Int64(values.fileSize ?? 0), values.contentModificationDate ?? .distantPast)
            }
            var total = files.reduce(0) { $0 + $1.size }
            files.sort { ($0.date, $0.url.path) < ($1.date, $1.url.path) }
            for file in files where total > maxBytes && file.url.standardizedFileURL.path != URL(fileURLWithPath: keep).standardizedFileURL.path {
                if (try? FileManager.default.removeItem(at: file.url)) != nil {
                    total -= file.size
                    deletedFiles += 1
                }
            }
        }
    }

    /// A camera name made safe as part of a file name.
    static func fileName(_ camera: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let safe = String(camera.map { allowed.contains($0) ? $0 : "_" })
        return safe.trimmingCharacters(in: CharacterSet(charactersIn: "._"))
    }
}
