// FileAccess: opening input files (memory-mapped) and writing output files, with FormatError on failure.
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

    /// Maps `url`; missing or unreadable → exit status 66.
    init(_ url: URL) throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FormatError(.unreadable, path: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw FormatError(.unreadable, path: path, "is a directory, not a file") }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FormatError(.unreadable, path: path, "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FormatError(.unreadable, path: path, "cannot be examined") }
        let size = Int(info.st_size)
        if (info.st_mode & S_IFMT) == S_IFREG && size > 0,
           let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED {
            data = Data(bytesNoCopy: pointer, count: size, deallocator: .custom { pointer, size in munmap(pointer, size) })
            base = UInt(bitPattern: pointer)
        } else {
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw FormatError(.unreadable, path: path, "cannot be read (\(error.localizedDescription))")
            }
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

/// Reads a whole file, memory-mapped where possible; missing or unreadable → exit status 66.
func readInputFile(_ url: URL) throws -> Data {
    try MappedFile(url).data
}

/// Writes `data` to `url` atomically; failure → exit status 74.
func writeOutputFile(_ data: Data, to url: URL) throws {
    do {
        try data.write(to: url, options: .atomic)
    } catch {
        throw FormatError(.writeFailed, path: url.path, "cannot be written (\(error.localizedDescription))")
    }
}
