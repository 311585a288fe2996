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

    /// samples/demo/clips/heldout_*: test clips of `samples/demo/make_clips.sh OUT 7 2520` (OUT/test/test_NNNN.mp4,
    /// the same clips as with 840), whose scenes and events all come from the families the model never saw in
    /// training (docs/demo-model.md). test_*: clips of the previous generator that other tests read. heldout_0108 was
    /// left out while the fourth round's model scored its defocus 0.34; the fifth round's figures of the sharpness lost
    /// since the sharpest recent frame find it (0.90; the ninth round's model, at 2 frames/s, 0.79).
    static let clips = [
        DemoClip(file: "heldout_0002.mp4", labels: ["lighting_change"]),  // camera man photograph, lights on at 2.8 s
        DemoClip(file: "heldout_0007.mp4", labels: ["motion"]),  // two photograph patches cross the camera man photo
        DemoClip(file: "heldout_0011.mp4", labels: ["camera_tamper"]),  // coffee photograph, box-blur defocus at 4.9 s
        DemoClip(file: "heldout_0049.mp4", labels: []),  // quiet: coffee photograph, a TV inset, mains hum
        // dimmed at 2.5 s, then a dark cover from a corner at 6.6 s
        DemoClip(file: "heldout_0063.mp4", labels: ["lighting_change", "camera_tamper"]),
        // a box-blur defocus and a two-tone alarm
        DemoClip(file: "heldout_0090.mp4", labels: ["camera_tamper", "loud_sound"]),
        DemoClip(file: "heldout_0112.mp4", labels: ["loud_sound"]),  // an alarm clock, then espeak-ng shouting
        // a box-blur defocus at 3.8 s, a steady tone at −10 dBFS and a two-tone alarm from 7.6 s
        DemoClip(file: "heldout_0111.mp4", labels: ["camera_tamper", "loud_sound"]),
        // a swaying camera man photograph, a box-blur defocus at 5.1 s, a phone ringing at −17 dBFS from 7.4 s
        DemoClip(file: "heldout_0108.mp4", labels: ["camera_tamper", "loud_sound"]),
        DemoClip(file: "test_0023.mp4", labels: []),  // smptebars, steady light, soft beep: quiet
        // a person crosses, then the lens is covered
        DemoClip(file: "test_0077.mp4", labels: ["motion", "camera_tamper"]),
        // lights switched on at 4 s from near black (what a lens uncovered looks like), two shouts
        DemoClip(file: "test_0118.mp4", labels: ["lighting_change", "loud_sound"]),
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
