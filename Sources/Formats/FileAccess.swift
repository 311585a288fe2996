// FileAccess: the one place Formats opens files. Inputs: regular files only (a FIFO or a device is refused before it
// can block or never end), memory-mapped. Outputs: a temporary beside the target, created exclusively without
// following links, renamed into place, keeping the old file's mode; stale temporaries of dead runs are removed.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only private mapping of a whole input file. Loaders copy tensors out of it once and then hand the pages
/// back with `release`, so a large weight file is not held twice in memory (mapped + converted).
struct MappedFile {
    /// The file's bytes; slices share the mapping, which is unmapped when the last of them goes.
    let data: Data
    private let base: UInt?

    /// Maps `url`; missing, unreadable or not a regular file → exit status 66.
    init(_ url: URL) throws {
        try InputFile.requireLocal(url)
        let path = url.path
        let fd = try InputFile.open(path)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FormatError(.unreadable, path: path, "cannot be examined") }
        let size = Int(info.st_size)
        if size > 0, let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED {
            data = Data(bytesNoCopy: pointer, count: size, deallocator: .custom { pointer, size in munmap(pointer, size) })
            base = UInt(bitPattern: pointer)
        } else {
            data = try InputFile.readAll(fd, path: path)
            base = nil
        }
    }

    /// Drops the whole pages inside `slice` from memory (they are re-read from the file if touched again).
    /// Does nothing unless `slice` lies inside this mapping.
    func release(_ slice: Data) {
        guard let base, slice.count > 0 else { return }
        let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))
        slice.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let start = raw.baseAddress.map({ UInt(bitPattern: $0) }),
                  start >= base, start + UInt(raw.count) <= base + UInt(data.count) else { return }
            let first = (start + pageSize - 1) / pageSize * pageSize
            let end = (start + UInt(raw.count)) / pageSize * pageSize
            guard end > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
            _ = madvise(pointer, Int(end - first), Int32(MADV_DONTNEED))
        }
    }
}

/// Every file Vigil reads outside the media path (weights, feature files and lists, labels, pipeline files) is
/// opened here. Only regular files are read: the refusals use the media path's words (Media/LocalFileKind.swift).
public enum InputFile {
    /// The whole file at `url`, memory-mapped where possible; missing, unreadable or not a regular file → 66.
    public static func read(_ url: URL) throws -> Data {
        try MappedFile(url).data
    }

    /// Refuses a URL with a scheme (`weights: http://…/x.safetensors` in a pipeline file): it was read as the local
    /// path `/x.safetensors`. Weights, labels and feature files are read only from local paths → exit status 64.
    public static func requireLocal(_ url: URL) throws {
        guard !url.isFileURL else { return }
        throw FormatError(.usage, path: url.absoluteString, "is a URL; only a local path can be used here")
    }

    /// Opens `path` for reading. `O_NONBLOCK` makes opening a FIFO return at once (a blocking open waits for a
    /// writer forever); `fstat` on the open descriptor then decides, so nothing can be swapped in between.
    static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: throw FormatError(.unreadable, path: path, "no such file")
            case ENXIO: throw FormatError(.unreadable, path: path, "is a socket, not a regular file")
            default: throw FormatError(.unreadable, path: path, "cannot be opened (\(String(cString: strerror(code))))")
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw FormatError(.unreadable, path: path, "cannot be examined")
        }
        if let refusal = refusal(mode: info.st_mode) {
            close(fd)
            throw FormatError(.unreadable, path: path, refusal)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// Why a file of `mode` is not read; nil for a regular file. The words are the media path's (Media's
    /// LocalFileKind): neither module may import the other, so FeaturesTests' RefusalWordingTests holds them equal.
    static func refusal(mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "is a directory, not a file"
        case S_IFIFO: "is a named pipe (FIFO), not a regular file"
        case S_IFCHR: "is a character device, not a regular file"
        case S_IFBLK: "is a block device, not a regular file"
        default: "is a socket, not a regular file"
        }
    }

    /// Reads a regular file that could not be mapped (an empty file, or a file system without mmap).
    static func readAll(_ fd: Int32, path: String) throws -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw FormatError(.unreadable, path: path, "cannot be read (\(String(cString: strerror(errno))))")
            }
            data.append(contentsOf: chunk[0..<count])
        }
    }
}

/// Every file Vigil writes goes through here: `.NAME.PID.RANDOM.vigil-tmp` beside the target, opened with
/// `O_CREAT|O_EXCL|O_NOFOLLOW` (a planted link or file at that name fails the run instead of being followed), written
/// in full, given the replaced file's mode, then renamed over the target (`rename` replaces a planted symlink at the
/// target itself; it never writes through it). A failed write removes its temporary; a run killed outright leaves
/// one, which the next write into that folder removes (its PID is no longer alive). A command that stops on a
/// signal calls `removeTemporariesInProgress()` from its handler (a DispatchSource, not signal context) before exiting.
public enum OutputFile {
    /// The suffix of every temporary Vigil writes.
    public static let temporarySuffix = ".vigil-tmp"

    /// Temporaries being written right now.
    nonisolated(unsafe) private static var inProgress = Set<String>()
    /// Folders whose stale temporaries this process has already removed (once each: `frames` writes thousands of
    /// PNGs into one folder).
    nonisolated(unsafe) private static var cleanedFolders = Set<String>()
    private static let lock = NSLock()

    /// Removes every temporary still being written (for a command ending on SIGTERM, SIGINT or SIGHUP); a write
    /// still running then fails at its rename.
    public static func removeTemporariesInProgress() {
        lock.withLock {
            for path in inProgress { unlink(path) }
            inProgress.removeAll()
        }
    }

    /// Writes `data` to `url` by temporary and rename; failure → exit status 74.
    public static func write(_ data: Data, to url: URL) throws {
        try InputFile.requireLocal(url)
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        if lock.withLock({ cleanedFolders.insert(folder).inserted }) { removeStaleTemporaries(in: folder) }
        let temporary = (folder as NSString).appendingPathComponent(
            ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max))\(temporarySuffix)")
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(path, errno) }
        lock.withLock { _ = inProgress.insert(temporary) }
        var done = false
        defer {
            lock.withLock { _ = inProgress.remove(temporary) }
            if !done { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            var old = stat()
            if lstat(path, &old) == 0, (old.st_mode & S_IFMT) == S_IFREG, fchmod(fd, old.st_mode & 0o777) != 0 {
                throw failure(path, errno)
            }
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw failure(path, errno)
                    }
                    offset += written
                }
            }
        }
        guard rename(temporary, path) == 0 else { throw failure(path, errno) }
        done = true
    }

    static func failure(_ path: String, _ code: Int32) -> FormatError {
        FormatError(.writeFailed, path: path, "cannot be written (\(String(cString: strerror(code))))")
    }

    /// Removes `.NAME.PID.RANDOM.vigil-tmp` files in `folder` whose PID is no longer running (a run killed while
    /// writing). Files of live processes, and anything not named this way, are left alone.
    public static func removeStaleTemporaries(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(temporarySuffix) {
            let parts = name.dropLast(temporarySuffix.count).split(separator: ".")
            guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink((folder as NSString).appendingPathComponent(name))
        }
    }
}

/// Reads a whole file, memory-mapped where possible; missing, unreadable or not a regular file → exit status 66.
func readInputFile(_ url: URL) throws -> Data {
    try InputFile.read(url)
}

/// Writes `data` to `url` by temporary and rename (OutputFile); failure → exit status 74.
func writeOutputFile(_ data: Data, to url: URL) throws {
    try OutputFile.write(data, to: url)
}
