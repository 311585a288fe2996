// Fixture: loads the JSON fixtures beside the tests (made by the tools/ scripts named inside each file).
import Foundation

enum Fixture {
    /// The directory holding this test target's fixtures.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Decodes `Fixtures/<name>` as `T`.
    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }
}
