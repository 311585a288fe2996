// `vigil info INPUT`: one JSON document describing a media file or stream (keys in docs/media.md).
import ArgumentParser
import Foundation
import Pipeline

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a media file or URL as one JSON document: container, streams, exact frame count.",
        discussion: "Keys are listed in docs/media.md. Exit 66 for a missing input, 65 for one that is not media.")

    @Argument(help: "A media file, or a URL FFmpeg can read (rtsp://, http://, udp://, ...).")
    var input: String

    func run() throws {
        try reportingFailures {
            try StandardOutput.writeLine(try MediaInspection.info(input))
        }
    }
}
