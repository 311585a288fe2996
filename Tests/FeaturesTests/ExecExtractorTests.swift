import Foundation
import Testing

@testable import Features

/// The example plug-in shipped in samples/extractors, run with Debian's python3 (which has numpy).
let samplePlugin = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("samples/extractors/numpy_extractor.py").path

func pluginCommand(_ arguments: String = "") -> String { "/usr/bin/python3 '\(samplePlugin)' \(arguments)" }

/// What the sample plug-in computes for a frame: 32×32 cell means of BT.601 luma, mapped to -1…1.
func expectedThumbnail(_ rgb: [UInt8], width: Int, height: Int) -> [Float] {
    var out: [Float] = []
    for r in 0..<32 {
        for c in 0..<32 {
            var sum = 0.0, n = 0.0
            for y in (r * height / 32)..<((r + 1) * height / 32) {
                for x in (c * width / 32)..<((c + 1) * width / 32) {
                    let i = 3 * (y * width + x)
                    sum += (0.299 * Double(rgb[i]) + 0.587 * Double(rgb[i + 1]) + 0.114 * Double(rgb[i + 2])) / 255
                    n += 1
                }
            }
            out.append(Float(sum / n * 2 - 1))
        }
    }
    return out
}

@Test func execPluginRoundTripsFramesAndAudio() throws {
    let frames = try rawFrames("testsrc2=s=96x64:r=25", width: 96, height: 64, count: 3)
    let rgb = try ExecExtractor(command: pluginCommand(), kind: .frames, width: 96, height: 64, dimension: 1024, timeout: 20)
    #expect(rgb.dimension == 1024)
    for (t, frame) in frames.enumerated() {
        let vector = try rgb.extract(rgb: frame, width: 96, height: 64, pts: Double(t) / 25)
        let expected = expectedThumbnail(frame, width: 96, height: 64)
        #expect(zip(vector, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }
    let audio = try ExecExtractor(command: pluginCommand(), kind: .audio, width: 16_000, height: 1, timeout: 20)
    #expect(audio.dimension == 128)
    let sine = try rawAudio("sine=frequency=1000:sample_rate=16000:duration=1")
    let bands = try audio.extract(window: sine[...])
    // 8001 one-hertz bins in 128 slices (numpy array_split: the first 65 hold 63 bins): 1 kHz is in slice 15.
    #expect(bands.firstIndex(of: bands.max()!) == 15)
}

@Test func execPluginFailuresAreClearErrorsNotHangs() throws {
    let frame = [UInt8](repeating: 128, count: 32 * 32 * 3)
    func run(_ command: String, timeout: Double = 20, dimension: Int = 0) -> String {
        do {
            let plugin = try ExecExtractor(
                command: command, kind: .frames, width: 32, height: 32, dimension: dimension, timeout: timeout, startupTimeout: 20)
            for t in 0..<3 { _ = try plugin.extract(rgb: frame, width: 32, height: 32, pts: Double(t)) }
            return "no error"
        } catch let error as FeaturesError {
            #expect(error.errorCode == 69 || error.errorCode == 65)
            return error.errorDescription ?? ""
        } catch {
            return "unexpected \(error)"
        }
    }
    #expect(run(pluginCommand("--fault crash:2")).hasSuffix("exited with status 3 during item 2"))
    #expect(run(pluginCommand("--fault wrong-size:1")).hasSuffix("answered 1023 values for item 1, expected 1024"))
    let start = Date()
    #expect(run(pluginCommand("--fault hang:2"), timeout: 1.5).hasSuffix("no answer to item 2 within 1.5 s (killed)"))
    #expect(Date().timeIntervalSince(start) < 15)
    #expect(run(pluginCommand("--fault bad-hello")).hasSuffix("its answer to the hello does not start with VGLX"))
    #expect(run(pluginCommand(), dimension: 512).hasSuffix("declares dimension 1024, expected 512"))
    #expect(run("/nonexistent/extractor").hasSuffix("exited with status 127 during the hello"))
    #expect(run("exit 0").hasSuffix("exited with status 0 during the hello"))
    #expect(run(pluginCommand()) == "no error")
}

@Test func execPluginRefusesFramesOfAnotherSize() throws {
    let plugin = try ExecExtractor(command: pluginCommand(), kind: .frames, width: 32, height: 32, timeout: 20)
    let error = #expect(throws: FeaturesError.self) {
        try plugin.extract(rgb: [UInt8](repeating: 0, count: 48), width: 4, height: 4, pts: 0)
    }
    #expect(error?.errorCode == 65)
}
