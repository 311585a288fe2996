// Regression tests: every input the fuzzers (Fuzz/run.sh) found goes through its parser again and must end in a
// value or a FormatError. Files are Fixtures/fuzz/<target>-*.
import Foundation
import Testing
@testable import Formats

@Suite struct FuzzRegressionTests {
    static let directory = Fixtures.directory.appendingPathComponent("fuzz")
    static let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()

    @Test(arguments: files)
    func findingEndsCleanly(file: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(file))
        let target = String(file.prefix { $0 != "-" })
        let error = formatError {
            switch target {
            case "pickle": _ = try PaddleVideoFeatures.records(from: try Unpickler.load(data, path: file), path: file)
            case "safetensors": _ = try Safetensors.read(data, path: file)
            case "tfrecord": _ = try YouTube8MRecords.records(from: data, path: file)
            case "savecombine": _ = try SaveCombine.read(data, names: ["a", "b"], path: file)
            case "labelmap": _ = try LabelMap.parse(data, path: file)
            default: throw FormatError(.usage, path: file, "unknown fuzz target \(target)")
            }
        }
        #expect(error == nil || error?.errorCode == 65, "\(error?.errorDescription ?? "")")
    }
}
