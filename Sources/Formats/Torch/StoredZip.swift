// StoredZip: the entries of a zip archive whose members are stored uncompressed (how torch.save writes them), read
// through the central directory; compressed members, zip64 sizes and entries past the end of the file are refused.
import Foundation

/// A zip archive of stored (method 0) members, sharing the file's bytes.
struct StoredZip {
    let data: Data
    let path: String
    /// Member names in central-directory order.
    private(set) var names: [String] = []
    private var members: [String: (method: Int, size: Int, localHeader: Int)] = [:]

    init(_ data: Data, path: String) throws {
        self.data = data
        self.path = path
        // End of central directory: signature 0x06054b50 within the last 22 + 65535 bytes.
        let earliest = max(0, data.count - 22 - 0xffff)
        var end = data.count - 22
        while end >= earliest, read32(end) != 0x0605_4b50 { end -= 1 }
        guard end >= earliest else { throw fail("no end of central directory record") }
        let count = Int(read16(end + 10))
        let directory = Int(read32(end + 16))
        var at = directory
        for _ in 0..<count {
            guard at + 46 <= data.count, read32(at) == 0x0201_4b50 else { throw fail("central directory entry at offset \(at) is damaged") }
            let method = Int(read16(at + 10)), size = Int(read32(at + 20)), stored = Int(read32(at + 24))
            let nameLength = Int(read16(at + 28)), extra = Int(read16(at + 30)), comment = Int(read16(at + 32))
            let local = Int(read32(at + 42))
            guard at + 46 + nameLength <= data.count else { throw fail("central directory entry at offset \(at) is truncated") }
            let start = data.startIndex + at + 46
            guard let name = String(data: data[start..<(start + nameLength)], encoding: .utf8) else { throw fail("a member name is not UTF-8") }
            guard size != 0xffff_ffff, stored != 0xffff_ffff, local != 0xffff_ffff else { throw fail("\(name): zip64 members are not supported") }
            guard size == stored || method != 0 else { throw fail("\(name): stored member with two sizes") }
            names.append(name)
            members[name] = (method, size, local)
            at += 46 + nameLength + extra + comment
        }
    }

    private func fail(_ reason: String) -> FormatError { .malformed(path, "bad zip archive: \(reason)") }

    private func read16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset + 2 <= data.count else { return 0 }
        return UInt16(data[data.startIndex + offset]) | UInt16(data[data.startIndex + offset + 1]) << 8
    }

    private func read32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= data.count else { return 0 }
        return UInt32(read16(offset)) | UInt32(read16(offset + 2)) << 16
    }

    /// The bytes of member `name` (no copy).
    func entry(_ name: String) throws -> Data {
        guard let member = members[name] else { throw fail("member \(name) is missing") }
        guard member.method == 0 else { throw fail("\(name) is compressed (method \(member.method)); torch.save stores members") }
        let local = member.localHeader
        guard local + 30 <= data.count, read32(local) == 0x0403_4b50 else { throw fail("\(name): local header at offset \(local) is damaged") }
        let start = local + 30 + Int(read16(local + 26)) + Int(read16(local + 28))
        guard start + member.size <= data.count else { throw fail("\(name) (\(member.size) bytes) ends past the end of the file") }
        return data[(data.startIndex + start)..<(data.startIndex + start + member.size)]
    }
}
