// Reading a pipeline file: which layout it uses, then that layout's reader.
import Formats
import Foundation
import Yams

extension PipelineConfig {
    /// Reads a pipeline file in Vigil's layout, PaddleVideo's (`MODEL.head`) or PaddleCV's (`MODEL.name`).
    public static func load(contentsOf file: URL) throws -> PipelineConfig {
        let data: Data
        do {
            data = try InputFile.read(file)  // a FIFO or a device is refused, not waited on
        } catch let error as FormatError {
            throw PipelineError.unreadable(path: file.path, reason: error.reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineError.malformedYAML(path: file.path, reason: "not UTF-8 text")
        }
        return try parse(yaml: text, file: file)
    }

    /// Parses `yaml` as if read from `file` (relative paths resolve against `file`'s folder).
    public static func parse(yaml: String, file: URL) throws -> PipelineConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw PipelineError.malformedYAML(path: file.path, reason: reason)
        }
        guard let mapping = root?.mapping else {
            throw PipelineError.malformedYAML(path: file.path, reason: "the top level is not a mapping")
        }
        let top = YAMLSection(file: file, path: "", mapping: mapping)
        var config: PipelineConfig
        if let model = try top.section("MODEL") {
            config = try model.node("head") != nil || top.node("DATASET") != nil
                ? readPaddleVideo(top) : readPaddleCV(top)
        } else {
            config = try readVigil(top)
        }
        config.source = file
        return config
    }
}
