// The file a clip's muxer writes to: whole 1 MiB blocks go to the disk with O_DIRECT (no copy into the page cache),
// the rest through the page cache.
import CFFmpeg
import Foundation

/// The output of one clip (`ClipRecorder`): an AVIOContext whose writes go to `path`. While the muxer writes
/// straight through (every container does until its trailer), bytes gather in an aligned 1 MiB block that is written
/// with O_DIRECT when full: a camera's clip costs one system call per MiB and no copy into the page cache (on a
/// loaded 2-core machine, buffered writes of a 6 Mbit/s camera cost 0.2–1.9 ms of CPU a second, direct ones under
/// 0.1 ms; docs/benchmarks.md, "Clips"). The first seek (the trailer: MP4's sizes and index, Matroska's cues)
/// writes the partial block through the page cache and everything after it goes there too, so a muxer that reads
/// the file back by name (MP4's faststart) sees every byte. Files O_DIRECT does not apply to (tmpfs, a filesystem
/// that refuses it) are written through the page cache only; a FIFO (any file that is not a regular one) is written
/// in order and never seeked. Owns the AVIOContext, its buffer, the aligned block and both file descriptors.
final class ClipFileOutput {
    let path: String
    /// The context to hand to the muxer (`AVFormatContext.pb`).
    let context: UnsafeMutablePointer<AVIOContext>
    private let buffered: Int32
    private var direct: Int32
    private let block: UnsafeMutableRawPointer
    /// The file offset of `block`'s first byte, and how many bytes it holds. Used while `streaming`.
    private var blockStart = 0
    private var blockCount = 0
    /// True until the first seek: writes append and gather in `block`.
    private var streaming = true
    /// The muxer's position (after the first seek).
    private var position = 0
    /// The largest offset written (the file size).
    private var size = 0
    private var closed = false
    /// False for a FIFO (or any other file that is not a regular one): plain writes, no seeking.
    private let seekable: Bool

    static let blockSize = 1 << 20
    private static let alignment = 4096
    private static let bufferSize = 1 << 16
    /// O_DIRECT, which Swift's Glibc module does not export (it needs _GNU_SOURCE).
    #if arch(x86_64) || arch(i386)
    private static let oDirect: Int32 = 0o40000
    #else
    private static let oDirect: Int32 = 0o200000  // arm64, and most others
    #endif

    /// Creates (or truncates) `path`; `.output` when it cannot.
    init(path: String) throws {
        self.path = path
        buffered = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard buffered >= 0 else {
            throw MediaError(.output, path, "cannot create (\(String(cString: strerror(errno))))")
        }
        var status = stat()
        let regular = fstat(buffered, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        seekable = regular
        direct = regular ? open(path, O_WRONLY | O_CLOEXEC | Self.oDirect) : -1
        var aligned: UnsafeMutableRawPointer?
        guard posix_memalign(&aligned, Self.alignment, Self.blockSize) == 0, let aligned,
              let buffer = av_malloc(Self.bufferSize)?.assumingMemoryBound(to: UInt8.self)
        else {
            Glibc.close(buffered)
            if direct >= 0 { Glibc.close(direct) }
            throw MediaError(.internal, path, "out of memory")
        }
        block = aligned
        // The opaque pointer is set below, once `self` is complete.
        let made = avio_alloc_context(buffer, Int32(Self.bufferSize), 1, nil, nil, writePacket, seekOutput)
        guard let made else {
            av_free(buffer)
            free(aligned)
            Glibc.close(buffered)
            if direct >= 0 { Glibc.close(direct) }
            throw MediaError(.internal, path, "out of memory")
        }
        context = made
        context.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
        if !regular { context.pointee.seekable = 0 }  // a FIFO: the muxer writes straight through, never seeks
    }

    deinit {
        _ = try? close()
        var owned: UnsafeMutablePointer<AVIOContext>? = context
        av_freep(&context.pointee.buffer)
        avio_context_free(&owned)
        free(block)
    }

    /// Writes what is still buffered and closes the file; `.output` when the last writes fail. Later calls do nothing.
    func close() throws {
        guard !closed else { return }
        avio_flush(context)
        let flushed = context.pointee.error
        let tail = flushBlock()
        closed = true
        if direct >= 0 { Glibc.close(direct) }
        let closing = Glibc.close(buffered) == 0 ? 0 : errno
        if flushed < 0 { try ffCheck(flushed, "cannot write the clip", path, otherwise: .output) }
        if tail != 0 || closing != 0 {
            throw MediaError(.output, path, "cannot write the clip (\(String(cString: strerror(tail != 0 ? tail : closing))))")
        }
    }

    /// Bytes from the muxer. Returns `size` or an AVERROR.
    fileprivate func write(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        guard !closed else { return vigil_averror(EBADF) }
        if !streaming {
            let failure = writeAll(buffered, UnsafeRawPointer(bytes), count, at: position)
            guard failure == 0 else { return vigil_averror(failure) }
            position += count
            size = max(size, position)
            return Int32(count)
        }
        var offset = 0
        while offset < count {
            let taken = min(count - offset, Self.blockSize - blockCount)
            (block + blockCount).copyMemory(from: bytes + offset, byteCount: taken)
            blockCount += taken
            offset += taken
            if blockCount == Self.blockSize {
                let failure = writeFullBlock()
                guard failure == 0 else { return vigil_averror(failure) }
            }
        }
        size = max(size, blockStart + blockCount)
        return Int32(count)
    }

    /// Moves the muxer's position; the first seek ends streaming. Returns the new position, the size for
    /// AVSEEK_SIZE, or an AVERROR.
    fileprivate func seek(_ offset: Int64, _ whence: Int32) -> Int64 {
        if whence & AVSEEK_SIZE != 0 { return Int64(size) }
        if streaming {
            let failure = flushBlock()
            guard failure == 0 else { return Int64(vigil_averror(failure)) }
            streaming = false
            position = size
        }
        let target: Int
        switch whence & ~AVSEEK_FORCE {
        case SEEK_SET: target = Int(offset)
        case SEEK_CUR: target = position + Int(offset)
        case SEEK_END: target = size + Int(offset)
        default: return Int64(vigil_averror(EINVAL))
        }
        guard target >= 0 else { return Int64(vigil_averror(EINVAL)) }
        position = target
        return Int64(target)
    }

    /// Writes the full block at `blockStart` (O_DIRECT when it applies) and starts the next. Returns 0 or an errno.
    private func writeFullBlock() -> Int32 {
        if direct >= 0 {
            let failure = writeAll(direct, UnsafeRawPointer(block), Self.blockSize, at: blockStart)
            if failure == 0 {
                blockStart += Self.blockSize
                blockCount = 0
                return 0
            }
            guard failure == EINVAL else { return failure }
            Glibc.close(direct)  // the filesystem takes no direct writes after all: the page cache from now on
            direct = -1
        }
        return flushBlock()
    }

    /// Writes what the block holds through the page cache (the end of streaming). Returns 0 or an errno.
    private func flushBlock() -> Int32 {
        guard streaming, blockCount > 0 else { return 0 }
        let failure = writeAll(buffered, UnsafeRawPointer(block), blockCount, at: blockStart)
        guard failure == 0 else { return failure }
        blockStart += blockCount
        blockCount = 0
        return 0
    }

    /// pwrite until all `count` bytes are written. Returns 0 or an errno (EFBIG past `ulimit -f`, ENOSPC …).
    private func writeAll(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int, at offset: Int) -> Int32 {
        var done = 0
        while done < count {
            let written = seekable ? pwrite(fd, bytes + done, count - done, off_t(offset + done))
                : Glibc.write(fd, bytes + done, count - done)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if written == 0 { return EIO }
            done += written
        }
        return 0
    }
}

private let writePacket: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
    opaque, bytes, count in
    guard let opaque, let bytes, count > 0 else { return 0 }
    return Unmanaged<ClipFileOutput>.fromOpaque(opaque).takeUnretainedValue().write(bytes, Int(count))
}

private let seekOutput: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = { opaque, offset, whence in
    guard let opaque else { return Int64(vigil_averror(EINVAL)) }
    return Unmanaged<ClipFileOutput>.fromOpaque(opaque).takeUnretainedValue().seek(offset, whence)
}
