// The embedded demo model end to end: the built `vigil classify` with no --weights on committed generated clips.
import Foundation
import Testing

/// A clip made by samples/demo/make_clips.sh (seed 7, held out from training) and the labels it was drawn with.
struct DemoClip: CustomTestStringConvertible, Sendable {
    let file: String
    let labels: Set<String>
    var testDescription: String { file }
}

@Suite struct DemoModelCLITests {
    static let labelNames = ["motion", "lighting_change", "camera_tamper", "loud_sound"]
    /// Score at or above which a label counts as found.
    static let threshold = 0.5

    /// samples/demo/clips/: held-out test clips of `samples/demo/make_clips.sh OUT 7 840` (copied from OUT/test/).
    static let clips = [
        DemoClip(file: "test_0023.mp4", labels: []),  // smptebars, steady light, soft beep: quiet
        DemoClip(file: "test_0077.mp4", labels: ["motion", "camera_tamper"]),  // a person crosses, then the lens is covered
        DemoClip(file: "test_0118.mp4", labels: ["lighting_change", "loud_sound"]),  // lights on at 4 s, two shouts
    ]

    /// `vigil classify FILE` (default pipeline) → label → score.
    static func classify(_ path: String) throws -> (json: [String: Any], scores: [String: Double]) {
        let result = try MediaCLI.vigil(["classify", path], limit: 120)
        try #require(result.status == 0, "vigil classify \(path) exited \(result.status): \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let json = try #require(object as? [String: Any], "not a JSON object: \(result.stdout)")
        let top = try #require(json["top_k"] as? [[String: Any]], "no top_k in \(result.stdout)")
        var scores: [String: Double] = [:]
        for entry in top {
            if let label = entry["label"] as? String, let score = entry["score"] as? Double { scores[label] = score }
        }
        return (json, scores)
    }

    @Test(arguments: clips)
    func defaultModelFindsTheDrawnLabels(_ clip: DemoClip) throws {
        let (json, scores) = try Self.classify("samples/demo/clips/\(clip.file)")
        #expect(json["model"] as? String == "attention_cluster")
        #expect(Set(scores.keys) == Set(Self.labelNames), "top_k should list all four demo labels: \(scores)")
        for label in Self.labelNames {
            let score = try #require(scores[label])
            if clip.labels.contains(label) {
                #expect(score >= Self.threshold, "\(clip.file): \(label) scored \(score)")
            } else {
                #expect(score < Self.threshold, "\(clip.file): \(label) scored \(score) but was not drawn")
            }
        }
    }
}
