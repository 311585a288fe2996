// Tests of label maps: YouTube-8M vocabulary.csv layout (quoted fields) and plain name lists.
import Foundation
import Testing
@testable import Formats

@Suite struct LabelMapTests {
    func write(_ text: String, _ ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).\(ext)")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func readsVocabularyCSV() throws {
        let csv = """
        Index,TrainVideoCount,KnowledgeGraphId,Name,WikiUrl,WikiDescription
        0,788288,/m/03bt1gh,Game,https://en.wikipedia.org/wiki/Game,"A game is structured ""play"", usually
        undertaken for enjoyment."
        2,100,/m/0x,"Car, Racing",https://x,plain

        """
        let url = try write(csv, "csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let map = try LabelMap.load(url)
        #expect(map.names == ["Game", nil, "Car, Racing"])
        #expect(map.name(for: 2) == "Car, Racing")
        #expect(map.name(for: 9) == nil)
    }

    @Test func readsPlainList() throws {
        let url = try write("walking\nrunning\n\nsitting\n", "txt")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try LabelMap.load(url).names == ["walking", "running", nil, "sitting"])
    }

    @Test func badRowsAreNamed() throws {
        let url = try write("Index,Name\n0,a\nnope,b\n", "csv")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(formatError { _ = try LabelMap.load(url) }?.reason == "vocabulary row 3 has no valid Index and Name")
        let quoted = try write("Index,Name\n0,\"open\n", "csv")
        defer { try? FileManager.default.removeItem(at: quoted) }
        #expect(formatError { _ = try LabelMap.load(quoted) }?.errorCode == 65)
    }
}
