// Tests of memory-mapped input: released pages read back from the file, foreign slices are left alone.
import Foundation
import Testing
@testable import Formats

@Suite struct MappedFileTests {
    @Test func releasedPagesReadBackUnchanged() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let original = Data((0..<(3 << 16)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try original.write(to: url)
        let file = try MappedFile(url)
        #expect(file.data == original)
        file.release(file.data)
        file.release(file.data[100..<70_000])
        #expect(file.data == original)
        // A heap copy is not part of the mapping: release must not touch (zero) it.
        let copy = Data(original)
        file.release(copy)
        #expect(copy == original)
    }

    @Test func emptyFileAndDirectory() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data().write(to: url)
        #expect(try MappedFile(url).data.isEmpty)
        #expect(formatError { _ = try Unpickler.load(contentsOf: url) }?.reason.contains("truncated") == true)
        let error = formatError { _ = try MappedFile(FileManager.default.temporaryDirectory) }
        #expect(error?.errorCode == 66 && error?.reason == "is a directory, not a file")
    }
}
