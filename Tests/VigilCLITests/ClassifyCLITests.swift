// `vigil extract` and `vigil classify` as built binaries: extract → predict equals classify, plug-ins, bad inputs.
import Foundation
import Testing

enum ClassifyCLI {
    /// A 4 s 320×240 clip with a tone, and small random AttentionCluster weights (tools/make_random_cluster_weights.py).
    static func fixtures() throws -> (clip: String, weights: String) {
        let clip = try MediaCLI.make(
            "classify-clip.mp4",
            ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4", "-f", "lavfi", "-i", "sine=frequency=440:d=4",
             "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"])
        let weights = MediaCLI.scratch.appendingPathComponent("small-cluster.safetensors").path
        if !FileManager.default.fileExists(atPath: weights) {
            let tool = MediaCLI.root.appendingPathComponent("tools/make_random_cluster_weights.py").path
            let made = try MediaCLI.run("/usr/bin/python3", [tool, weights, "3", "--small"])
            guard made.status == 0 else { throw CLITestFailure("weights: \(made.stderr)") }
        }
        return (clip, weights)
    }

    static func json(_ line: Substring) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
    }

    /// (class, score) pairs of a line's top_k.
    static func topK(_ object: [String: Any]) -> [String] {
        (object["top_k"] as? [[String: Any]] ?? []).map { "\($0["class"] ?? "")=\($0["score"] ?? "")" }
    }
}

@Test func extractThenPredictEqualsClassify() throws {
    let (clip, weights) = try ClassifyCLI.fixtures()
    for sampling in [[String](), ["--seg-num", "6"]] {
        let features = MediaCLI.scratch.appendingPathComponent("classify-\(sampling.count).safetensors").path
        let extract = try MediaCLI.vigil(["extract", clip, "-o", features] + sampling)
        #expect(extract.status == 0, "\(extract.stderr)")
        let summary = try ClassifyCLI.json(try #require(extract.stdout.split(separator: "\n").first))
        #expect(summary["audio"] as? Bool == true)
        let predict = try MediaCLI.vigil(["predict", "--weights", weights, "--top-k", "5"] + (sampling.isEmpty ? [] : ["--seg-num", "6"]) + [features])
        let classify = try MediaCLI.vigil(["classify", clip, "--weights", weights, "--top-k", "5"] + sampling)
        #expect(predict.status == 0 && classify.status == 0, "\(predict.stderr) \(classify.stderr)")
        let lines = classify.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let result = try ClassifyCLI.json(try #require(lines.first))
        #expect(ClassifyCLI.topK(result) == ClassifyCLI.topK(try ClassifyCLI.json(try #require(predict.stdout.split(separator: "\n").first))))
        #expect(ClassifyCLI.topK(result).count == 5)
        #expect(result["source"] as? String == clip)
        #expect(result["model"] as? String == "attention_cluster")
        #expect((result["timings"] as? [String: Any])?["decode"] != nil)
        #expect(classify.stderr.isEmpty)  // no progress bar when stderr is not a terminal
    }
}

@Test func classifyTakesSeveralInputsAndDrawsATimeline() throws {
    let (clip, weights) = try ClassifyCLI.fixtures()
    let several = try MediaCLI.vigil(["classify", clip, clip, "--weights", weights, "--fps", "2"])
    #expect(several.status == 0)
    #expect(several.stdout.split(separator: "\n").count == 2)
    let svg = MediaCLI.scratch.appendingPathComponent("timeline.svg").path
    let drawn = try MediaCLI.vigil(["classify", clip, "--weights", weights, "--fps", "4", "--timeline", svg, "--timeline-window", "1"])
    #expect(drawn.status == 0, "\(drawn.stderr)")
    let text = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(text.hasPrefix("<svg") && text.contains("<polyline"))
}

@Test func classifyWithTheExamplePlugin() throws {
    let (clip, weights) = try ClassifyCLI.fixtures()
    let plugin = "exec:/usr/bin/python3 " + MediaCLI.root.appendingPathComponent("samples/extractors/numpy_extractor.py").path
    let result = try MediaCLI.vigil(["classify", clip, "--weights", weights, "--rgb-extractor", plugin, "--audio-extractor", plugin])
    #expect(result.status == 0, "\(result.stderr)")
    let crash = try MediaCLI.vigil(["classify", clip, "--weights", weights, "--rgb-extractor", plugin + " --fault crash:2"])
    #expect(crash.status == 69)
    #expect(crash.stdout.isEmpty)
    #expect(crash.stderrLines.last?.hasSuffix("exited with status 3 during item 2") == true)
}

@Test func classifyAndExtractRejectBadInputs() throws {
    let (clip, weights) = try ClassifyCLI.fixtures()
    let cases: [([String], Int32, String)] = [
        (["classify", "/nonexistent/a.mp4", "--weights", weights], 66, "vigil: /nonexistent/a.mp4: no such file"),
        (["classify", clip, "--weights", "/nonexistent/w.safetensors"], 66, "/nonexistent/w.safetensors"),
        (["classify", clip, "--weights", weights, "--rgb-extractor", "builtin:512"], 64,
         "vigil: rgb extractor 'builtin:512' gives 512 features but the model reads 1024"),
        (["classify", clip, "--weights", weights, "--fps", "1", "--seg-num", "3"], 64, "--fps or --seg-num"),
        (["extract", clip, "-o", "/tmp/x.mp3"], 64, ".safetensors, .tfrecord or .pkl"),
        (["extract", "/nonexistent/a.mp4", "-o", "/tmp/x.pkl"], 66, "vigil: /nonexistent/a.mp4: no such file"),
    ]
    for (arguments, status, message) in cases {
        let result = try MediaCLI.vigil(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
}
