// Walking the boxes of an MP4/MOV file (ISO/IEC 14496-12 §4.2) by their headers, without reading their bodies:
// what the sample-table reader and the sample-count guard both need before anything is decoded.
import Foundation

/// An open MP4/MOV file read box header by box header. Every size is checked against its parent and the file;
/// anything that does not add up gives nil.
final class MP4BoxFile {
    /// One box: its four-letter type and where its body lies in the file.
    struct Box {
        let type: String
        let body: Range<UInt64>
    }

    /// The most boxes one `children(of:)` walks (a fragmented file has a moof and an mdat per fragment: 10,000 boxes
    /// are over an hour of one-second fragments); the walk stops there.
    static let childLimit = 10_000

    private let handle: FileHandle
    /// The file's size in bytes.
    let size: UInt64

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        guard let end = try? handle.seekToEnd() else {
            try? handle.close()
            return nil
        }
        self.handle = handle
        size = end
    }

    deinit { try? handle.close() }

    /// The top-level boxes.
    func topLevel() -> [Box]? { children(of: 0..<size) }

    /// The boxes directly inside `range` (at most `childLimit`); nil when a header is short or a size runs past it,
    /// unless `upToDamage`: then the boxes before that one (a file cut short still shows its first boxes).
    func children(of range: Range<UInt64>, upToDamage: Bool = false) -> [Box]? {
        var boxes: [Box] = []
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound, boxes.count < Self.childLimit {
            let room = range.upperBound - offset
            guard let header = read(offset..<(offset + min(16, room))),
                  let box = MP4BoxBytes(header).header(at: 0, room: room) else { return upToDamage ? boxes : nil }
            boxes.append(Box(type: box.type, body: (offset + UInt64(box.headerSize))..<(offset + box.size)))
            offset += box.size
        }
        return boxes
    }

    /// The bytes of `range`; nil when the file is shorter.
    func read(_ range: Range<UInt64>) -> [UInt8]? {
        guard range.upperBound <= size, (try? handle.seek(toOffset: range.lowerBound)) != nil,
              let data = try? handle.read(upToCount: Int(range.count)), data.count == range.count else { return nil }
        return [UInt8](data)
    }
}

/// Big-endian reads and box headers over a byte array; every read is bounds-checked and gives nil when short.
struct MP4BoxBytes {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func u32(_ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        return bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    func u64(_ at: Int) -> UInt64? {
        guard at >= 0, at + 8 <= bytes.count else { return nil }
        return bytes[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The header of the box starting at `offset`, in a parent with `room` bytes left from there: its type, header
    /// size (8, or 16 with a 64-bit size) and whole size (a size of 0 runs to the parent's end); nil when the bytes
    /// are short, or the size is below the header's or past the parent.
    func header(at offset: Int, room: UInt64) -> (type: String, headerSize: Int, size: UInt64)? {
        guard room >= 8, offset >= 0, offset + 8 <= bytes.count, let small = u32(offset) else { return nil }
        var (size, headerSize) = (UInt64(small), 8)
        if small == 1 {
            guard let large = u64(offset + 8) else { return nil }
            (size, headerSize) = (large, 16)
        } else if small == 0 {
            size = room
        }
        guard size >= UInt64(headerSize), size <= room else { return nil }
        return (String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self), headerSize, size)
    }
}
