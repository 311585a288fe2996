// Media and Formats each refuse a path that is not a regular file, in the same words (docs/robustness.md). Neither
// module may import the other (tools/check_imports.sh), so each holds its own table; this test, in a target that
// sees both, keeps the tables from drifting apart.
import Foundation
import Testing

@testable import Formats
@testable import Media

@Test func mediaAndFormatsRefuseANonRegularFileInTheSameWords() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refusal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("pipe").path
    try #require(mkfifo(fifo, 0o600) == 0)
    for path in [fifo, "/dev/null"] {
        var info = stat()
        try #require(stat(path, &info) == 0)
        let media = try #require(LocalFileKind(path: path)?.refusal)
        #expect(InputFile.refusal(mode: info.st_mode) == media, "\(path)")
    }
    #expect(InputFile.refusal(mode: S_IFSOCK) == LocalFileKind.socket.refusal)
    #expect(InputFile.refusal(mode: S_IFBLK) == LocalFileKind.blockDevice.refusal)
}
