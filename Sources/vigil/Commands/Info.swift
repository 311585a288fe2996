// `vigil info INPUT`: one JSON document describing a media file or stream (keys in docs/media.md).
import ArgumentParser
import Foundation
import Media

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a media file or URL as one JSON document: container, streams, exact frame count.",
        discussion: "Keys are listed in docs/media.md. Exit 66 for a missing input, 65 for one that is not media.")

    @Argument(help: "A media file, or a URL FFmpeg can read (rtsp://, http://, udp://, ...).")
    var input: String

    func run() throws {
        try reportingFailures {
            let source = try MediaSource(url: input)
            try Info.writeJSONLine(source.info)
        }
    }

    /// Writes `value` as one line of JSON on stdout (the only thing vigil writes there).
    static func writeJSONLine(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(value)
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(line)
    }
}
