// PipelineFuzzTargets: libFuzzer entries for the pipeline YAML loader and the exec plug-in host's reply parser; the
// FUZZ_TARGET environment variable picks which one a binary runs. Every input must end in a value or the module's
// error; a trap, a sanitizer report, an out-of-memory or a hang is a finding.
import Features
import Foundation
import Pipeline

/// Runs `data` through the parser named `target`.
func fuzzOne(_ target: String, _ data: Data) {
    switch target {
    case "yaml":
        let text = String(decoding: data, as: UTF8.self)
        _ = try? PipelineConfig.parse(yaml: text, file: URL(fileURLWithPath: "/fuzz/pipelines/fuzz.yaml"))
    case "exec-reply":
        fuzzExecReply(data)
    default:
        fatalError("unknown FUZZ_TARGET \(target)")
    }
}

/// The first byte picks the dimension Vigil asks for (0 = the plug-in chooses, else 4); the next 12 bytes are the
/// plug-in's answer to the hello, the rest its answer to one 10×2 frame. The plug-in is a real child process:
/// `/bin/sh -c "printf ANSWER; read -r line; printf REST; read -r line"`. Vigil's hello holds a newline (width 10)
/// and the frame's pixels are all newlines, so each `read` returns as soon as Vigil has sent that message, and the
/// child exits (closing the socket) right after the frame: a short answer ends in EOF at once, not in a timeout.
func fuzzExecReply(_ data: Data) {
    guard let selector = data.first else { return }
    let reply = data.dropFirst()
    func octal(_ bytes: Data) -> String { bytes.map { String(format: "\\%03o", $0) }.joined() }
    let command = "printf '\(octal(reply.prefix(12)))'; read -r line; printf '\(octal(reply.dropFirst(12)))'; read -r line"
    guard let extractor = try? ExecExtractor(command: command, kind: .frames, width: 10, height: 2,
                                             dimension: selector & 1 == 0 ? 0 : 4, timeout: 0.5, startupTimeout: 0.5)
    else { return }
    _ = try? extractor.extract(rgb: [UInt8](repeating: 0x0A, count: 60), width: 10, height: 2, pts: 0)
}

let selectedTarget = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    fuzzOne(selectedTarget, data)
    return 0
}

public typealias Arguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<Arguments?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer's driver.
@_cdecl("PipelineFuzzTargets_main")
public func pipelineFuzzTargetsMain(_ argc: CInt, _ argv: Arguments?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzzerTestOneInput)
}
