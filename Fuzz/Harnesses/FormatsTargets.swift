// Formats' fuzz targets, one per parser (FuzzTargets.swift picks one by FUZZ_TARGET).
// Every input must end in a value or a FormatError; a trap, a sanitizer report or a hang is a finding. So is an
// input that breaks a bound the parsers promise (docs/robustness.md, "Hostile files"): more than `secondsPerInput`
// of work, or a loaded value larger than its budget allows. (run.sh also caps each allocation with
// -malloc_limit_mb and the process with -rss_limit_mb.)
import Foundation
@testable import Formats

/// Most CPU time a single input (at most run.sh's -max_len bytes) may take, release build with ASan. CPU time of
/// this thread, not wall time: on a loaded machine (load average 26 on 2 cores) wall time flagged inputs that run
/// in 3 ms alone.
let secondsPerInput = 1.0

/// CPU seconds this thread has used.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Bytes a loaded pickle value holds, counting each occurrence (what a consumer copies).
func materialisedBytes(_ value: PickleValue) -> Int {
    var total = 0, stack = [value]
    while let next = stack.popLast() {
        switch next {
        case .string(let text): total += text.utf8.count
        case .bytes(let data): total += data.count
        case .array(let array): total += array.data.count
        case .list(let items), .tuple(let items): stack.append(contentsOf: items)
        case .dict(let entries): for entry in entries { stack.append(entry.key); stack.append(entry.value) }
        default: break
        }
    }
    return total
}

/// Stops the run with a finding when `data` broke a promised bound.
func check(_ holds: Bool, _ target: String, _ what: String) {
    if !holds { fatalError("\(target): \(what)") }
}

/// Runs `data` through the Formats parser named `target`; false when no Formats target has that name.
func fuzzFormats(_ target: String, _ data: Data) -> Bool {
    let targets = ["pickle", "safetensors", "tfrecord", "labelmap", "savecombine", "torch"]
    guard targets.contains(target) else { return false }
    let start = threadCPUSeconds()
    defer {
        let seconds = threadCPUSeconds() - start
        check(seconds <= secondsPerInput, target, "an input of \(data.count) bytes took \(seconds) s of CPU")
    }
    switch target {
    case "pickle":
        if let value = try? Unpickler.load(data, path: "fuzz") {
            let budget = PickleBudget(fileSize: data.count, path: "fuzz").byteLimit
            check(materialisedBytes(value) <= budget, target, "loaded more bytes than the budget \(budget)")
            _ = try? PaddleVideoFeatures.records(from: value, path: "fuzz")
            _ = try? PaddleStateDict.weights(from: value, path: "fuzz")
        }
    case "safetensors":
        if let file = try? Safetensors.read(data, path: "fuzz") {
            // Every tensor is Float32 now: at most 4 bytes per byte of the file (U8 and I8 widen fourfold).
            let bytes = file.tensors.values.reduce(0) { $0 + $1.count * 4 }
            check(bytes <= 4 * data.count, target, "\(bytes) bytes of tensors from \(data.count) bytes")
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
    case "torch":
        // PyTorch checkpoints, legacy and zip: the loaded tensors hold at most twice the storages' elements plus
        // 2^20 (TorchLayout.materialize), and the storages are bounded by the file (at most 4 bytes per byte once
        // widened to Float32).
        if let checkpoint = try? TorchCheckpoint(data, path: "fuzz") {
            let elements = checkpoint.tensors.values.reduce(0) { $0 + $1.count }
            check(elements <= 2 * data.count + (1 << 20), target, "\(elements) elements from \(data.count) bytes")
            check(checkpoint.names.count == checkpoint.tensors.count, target, "names and tensors differ in number")
        }
    case "savecombine":
        _ = try? SaveCombine.read(data, names: ["a", "b"], path: "fuzz")
    default:
        break
    }
    return true
}
