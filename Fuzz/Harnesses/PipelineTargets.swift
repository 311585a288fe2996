// The pipeline's fuzz targets: the YAML loader and the exec plug-in host's reply parser (in process, and through a
// real child process); FuzzTargets.swift picks one by FUZZ_TARGET. Every input must end in a value or the module's
// error; a trap, a sanitizer report, an out-of-memory or a hang is a finding.
import Features
import Foundation
import Pipeline

/// Runs `data` through the pipeline parser named `target`; false when no pipeline target has that name.
func fuzzPipeline(_ target: String, _ data: Data) -> Bool {
    switch target {
    case "yaml":
        let text = String(decoding: data, as: UTF8.self)
        _ = try? PipelineConfig.parse(yaml: text, file: URL(fileURLWithPath: "/fuzz/pipelines/fuzz.yaml"))
    case "exec-reply":
        fuzzExecReply(data)
    case "exec-child":
        fuzzExecChild(data)
    default:
        return false
    }
    return true
}

/// Byte 0 picks the dimension Vigil asks for (even: the plug-in chooses, odd: 4); the rest is what a plug-in writes
/// back, cut up the way `ExecExtractor` reads it: the answer to the hello, then per item a count and the values it
/// announces, until the bytes run out. In process, through `PluginReply`, so it runs at full speed.
func fuzzExecReply(_ data: Data) {
    guard let selector = data.first else { return }
    var reply = data.dropFirst()
    func take(_ count: Int) -> [UInt8]? {
        guard reply.count >= count else { return nil }
        defer { reply = reply.dropFirst(count) }
        return Array(reply.prefix(count))
    }
    guard let answer = take(PluginReply.helloAnswerSize),
          let dimension = try? PluginReply.dimension(helloAnswer: answer, requested: selector & 1 == 0 ? 0 : 4)
    else { return }
    var item = 1
    while let count = take(PluginReply.countSize),
          let values = try? PluginReply.valueCount(count, dimension: dimension, item: item),
          let body = take(4 * values) {
        _ = try? PluginReply.vector(body, item: item)
        item += 1
    }
}

/// The same input as `exec-reply`, said by a real plug-in process to a real `ExecExtractor`: the next 12 bytes are
/// the answer to the hello, the rest the answer to one 10×2 frame. The plug-in is
/// `/bin/sh -c "printf ANSWER; read -r line; printf REST; read -r line"`. Vigil's hello holds a newline (width 10)
/// and the frame's pixels are all newlines, so each `read` returns as soon as Vigil has sent that message, and the
/// child exits (closing the socket) right after the frame: a short answer ends in EOF at once, not in a timeout.
func fuzzExecChild(_ data: Data) {
    guard let selector = data.first else { return }
    let reply = data.dropFirst()
    func octal(_ bytes: Data) -> String { bytes.map { String(format: "\\%03o", $0) }.joined() }
    let command = "printf '\(octal(reply.prefix(12)))'; read -r line; printf '\(octal(reply.dropFirst(12)))'; read -r line"
    guard let extractor = try? ExecExtractor(command: command, kind: .frames, width: 10, height: 2,
                                             dimension: selector & 1 == 0 ? 0 : 4, timeout: 0.5, startupTimeout: 0.5)
    else { return }
    _ = try? extractor.extract(rgb: [UInt8](repeating: 0x0A, count: 60), width: 10, height: 2, pts: 0)
}
