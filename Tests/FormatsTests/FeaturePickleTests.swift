// Tests of PaddleVideo feature pickles: shards and per-video files from Python 2/3 writers, numpy 1.x/2.x paths.
import Foundation
import Tensor
import Testing
@testable import Formats

@Suite struct FeaturePickleTests {
    func expectRecord(_ record: FeatureRecord, _ expected: [String: Any]) {
        #expect(record.id == expected["id"] as? String)
        #expect(record.labels == Fixtures.ints(expected["labels"]))
        #expect(record.rgb.shape == Fixtures.ints(expected["rgb_shape"]))
        #expect(record.rgb.scalars == Fixtures.floats(expected["rgb"]))
        #expect(record.audio.shape == Fixtures.ints(expected["audio_shape"]))
        #expect(record.audio.scalars == Fixtures.floats(expected["audio"]))
    }

    @Test(arguments: ["shard_py2.pkl", "shard_p4.pkl"])
    func readsShardsWithBytesKeys(file: String) throws {
        let records = try PaddleVideoFeatures.read(contentsOf: Fixtures.url(file))
        let expected = Fixtures.expected["shard"] as? [[String: Any]] ?? []
        #expect(records.count == 3 && expected.count == 3)
        for (record, want) in zip(records, expected) { expectRecord(record, want) }
        // nframes 4 of 6 rows keeps 4; audio shorter than nframes keeps its own rows.
        #expect(records[2].rgb.shape == [4, 8])
        #expect(records[1].audio.shape == [3, 4])
    }

    @Test(arguments: ["video_p2.pkl", "video_numpy1.pkl", "video_p5.pkl"])
    func readsPerVideoFiles(file: String) throws {
        let records = try readFeatureRecords(Fixtures.url(file))
        #expect(records.count == 1)
        expectRecord(records[0], Fixtures.expected["video"] as? [String: Any] ?? [:])
    }

    @Test func floatFeaturesAreKeptAndFortranOrderIsFixed() throws {
        let record = try #require(try PaddleVideoFeatures.read(contentsOf: Fixtures.url("video_float.pkl")).first)
        let expected = Fixtures.expected["video_float"] as? [String: Any] ?? [:]
        #expect(record.rgb.scalars == Fixtures.floats(expected["rgb"]))
        #expect(record.audio.scalars == Fixtures.floats(expected["audio"]))
        #expect(record.id == "flt")
    }

    @Test func dequantisationMatchesPaddleVideoBitForBit() {
        #expect(Quantization.dequantize(0) == -1.9921875)
        #expect(Quantization.dequantize(255) == 2.0078125)
        for q in 0...255 { #expect(Quantization.quantize(Quantization.dequantize(UInt8(q))) == UInt8(q)) }
    }

    @Test(arguments: [true, false])
    func writerRoundTrips(quantized: Bool) throws {
        let source = try #require(try PaddleVideoFeatures.read(contentsOf: Fixtures.url("video_p2.pkl")).first)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-formats-\(UUID()).pkl")
        defer { try? FileManager.default.removeItem(at: url) }
        try PaddleVideoFeatures.write([source], to: url, quantized: quantized)
        let back = try #require(try readFeatureRecords(url).first)
        #expect(back == source)
        if quantized { try Fixtures.saveIfAsked(try Data(contentsOf: url), as: "written_by_vigil.pkl") }
    }

    @Test func notAFeatureDictIsNamed() throws {
        let error = formatError { _ = try PaddleVideoFeatures.read(contentsOf: Fixtures.url("attention_cluster_fluid.pdparams")) }
        #expect(error?.reason.contains("no 'feature' array") == true)
    }
}
