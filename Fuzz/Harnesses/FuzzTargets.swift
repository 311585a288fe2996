// FuzzTargets: one libFuzzer entry per parser; the FUZZ_TARGET environment variable picks which one a binary runs.
// Every input must end in a value or a FormatError; a trap, a sanitizer report or a hang is a finding.
import Foundation
@testable import Formats

/// Runs `data` through the parser named `target`.
func fuzzOne(_ target: String, _ data: Data) {
    switch target {
    case "pickle":
        if let value = try? Unpickler.load(data, path: "fuzz") {
            _ = try? PaddleVideoFeatures.records(from: value, path: "fuzz")
            _ = try? PaddleStateDict.weights(from: value, path: "fuzz")
        }
    case "safetensors":
        if let file = try? Safetensors.read(data, path: "fuzz") {
            _ = try? SafetensorsFeatures.record(file, path: "fuzz")
        }
    case "tfrecord":
        _ = try? YouTube8MRecords.records(from: data, path: "fuzz")
        // The SequenceExample decoder alone, without the CRC gate, so mutations reach it.
        if let example = try? Tensorflow_SequenceExample(serializedBytes: data) {
            _ = try? YouTube8MRecords.record(example, path: "fuzz", index: 0)
        }
    case "labelmap":
        _ = try? LabelMap.parse(data, path: "fuzz")
    case "savecombine":
        _ = try? SaveCombine.read(data, names: ["a", "b"], path: "fuzz")
    default:
        fatalError("unknown FUZZ_TARGET \(target)")
    }
}

let selectedTarget = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "pickle"

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
