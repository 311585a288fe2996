// Numbers out of range through the binary (docs/robustness.md, "Hostile numbers"): every one a flag or a pipeline
// file gives is range-checked in one place (Sources/Pipeline/NumberLimits.swift) before arithmetic converts it to an
// integer or a deadline, so each ends with an exit status and a message naming it, never SIGILL or an abort.
// (A feature file that claims 2^62 rows is in HostileInputCLITests' crafted files.)
import Foundation
import Testing

private let demoModel = MediaCLI.root.appendingPathComponent("samples/models/demo.safetensors").path
private let sample = MediaCLI.root.appendingPathComponent("samples/media/sample.mp4").path

/// A pipeline file holding `yaml`, in the scratch area.
private func pipeline(_ yaml: String) throws -> String {
    let url = MediaCLI.scratch.appendingPathComponent("numbers-\(UUID().uuidString).yaml")
    try yaml.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

@Suite struct HostileNumberCLITests {
    @Test func flagsOutOfRangeAreUsageErrors() throws {
        let runs: [[String]] = [
            ["watch", "--window", "1e19", "x.mp4"],
            ["watch", "--fps", "1e300", "x.mp4"],
            ["watch", "--no-frames-timeout", "1e300", "x.mp4"],
            ["watch", "--retry-interval", "1e300", "x.mp4"],
            ["watch", "--stride", "1e300", "x.mp4"],
            ["watch", "--clip-pre", "1e300", "x.mp4"],
            ["watch", "--seg-num", "1000000000000", "x.mp4"],
            ["watch", "--extractor-timeout", "1e300", "x.mp4"],
            ["classify", "--seg-num", "1000000000000", "x.mp4"],
            ["classify", "--fps", "1e300", "x.mp4"],
            ["classify", "--timeline-window", "1e300", "x.mp4"],
            ["predict", "--weights", demoModel, "--seg-num", "1000000000000", "x.pkl"],
            ["train", "--config", "c.yaml", "-o", "o.safetensors", "--epochs", "100000000000"],
            ["train", "--config", "c.yaml", "-o", "o.safetensors", "--lr", "1e300"],
        ]
        for arguments in runs {
            let result = try MediaCLI.vigil(arguments, limit: 30)
            let flag = arguments.first { $0.hasPrefix("--") && $0 != "--weights" && $0 != "--config" } ?? ""
            #expect(!result.timedOut, "\(arguments)")
            #expect(result.status == 64, "\(arguments): exit \(result.status), \(result.stderr)")
            #expect(result.stderr.contains("\(flag) must be between"), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func pipelineValuesOutOfRangeNameTheirKey() throws {
        let cases: [(String, String)] = [
            ("watch:\n  window: 1.0e300\n", "watch.window: must be at most 1000000"),
            ("watch:\n  stride: 1.0e300\n", "watch.stride: must be at most 1000000"),
            ("sampling:\n  seg_num: 100000000000000\n", "sampling.seg_num: must be between 1 and 100000"),
            ("sampling:\n  fps: 1.0e300\n", "sampling.fps: must be at most 1000"),
            ("cameras:\n  a:\n    url: x.mp4\n    window: 1.0e300\n", "window: must be at most 1000000"),
        ]
        for (yaml, reason) in cases {
            let file = try pipeline(yaml)
            let result = try MediaCLI.vigil(["watch", "--pipeline", file, "--weights", demoModel, "x.mp4"], limit: 30)
            #expect(!result.timedOut, "\(yaml)")
            #expect(result.status == 65, "\(yaml): exit \(result.status), \(result.stderr)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(reason), "\(yaml): \(result.stderr)")
        }
    }

    @Test func aWindowTooLongForItsRateIsRefusedNotAllocated() throws {
        // Each value is in range, their product (10^9 vectors) is not: the relation check runs after the range check.
        let result = try MediaCLI.vigil(
            ["watch", "--weights", demoModel, "--window", "1000000", "--fps", "1000", "--stride", "1", sample], limit: 60)
        #expect(!result.timedOut)
        #expect(result.status == 64, "exit \(result.status), \(result.stderr)")
        #expect(result.stderr.contains("at most 100000"), "\(result.stderr)")
    }
}
