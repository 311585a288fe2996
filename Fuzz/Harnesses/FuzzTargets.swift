// FuzzTargets: the one libFuzzer executable; the FUZZ_TARGET environment variable picks which target it runs
// (FormatsTargets.swift: pickle, safetensors, tfrecord, labelmap, savecombine, torch; MediaTargets.swift: mp4-table,
// mp4; PipelineTargets.swift: yaml, exec-reply, exec-child). Fuzz/run.sh builds and runs it.
import Foundation

let selectedTarget = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "pickle"

/// Runs `data` through the target named `target`.
func fuzzOne(_ target: String, _ data: Data) {
    if fuzzFormats(target, data) || fuzzMedia(target, data) || fuzzPipeline(target, data) { return }
    fatalError("unknown FUZZ_TARGET \(target)")
}

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
@_cdecl("FuzzTargets_main")
public func fuzzTargetsMain(_ argc: CInt, _ argv: Arguments?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzzerTestOneInput)
}
