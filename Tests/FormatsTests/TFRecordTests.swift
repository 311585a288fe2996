// Tests of YouTube-8M frame-level TFRecords: records written with Python's protobuf, CRC checks, Vigil's writer.
import Foundation
import Tensor
import Testing
@testable import Formats

@Suite struct TFRecordTests {
    @Test func readsSequenceExamplesWrittenByPythonProtobuf() throws {
        let records = try readFeatureRecords(Fixtures.url("frames.tfrecord"))
        let expected = Fixtures.expected["tfrecord"] as? [[String: Any]] ?? []
        #expect(records.count == 2 && expected.count == 2)
        for (record, want) in zip(records, expected) {
            #expect(record.id == want["id"] as? String)
            #expect(record.labels == Fixtures.ints(want["labels"]))
            #expect(record.rgb.shape == Fixtures.ints(want["rgb_shape"]))
            #expect(record.rgb.scalars == Fixtures.floats(want["rgb"]))
            #expect(record.audio.shape == Fixtures.ints(want["audio_shape"]))
            #expect(record.audio.scalars == Fixtures.floats(want["audio"]))
        }
    }

    @Test func badDataCRCIsMalformed() {
        let error = formatError { _ = try YouTube8MRecords.read(contentsOf: Fixtures.url("bad_crc.tfrecord")) }
        #expect(error?.errorCode == 65)
        #expect(error?.reason == "record 0 at offset 0: data CRC mismatch")
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Data("123456789".utf8)) == 0xE306_9283)
    }

    @Test func truncatedAndCorruptFramesFailCleanly() throws {
        let good = try Data(contentsOf: Fixtures.url("frames.tfrecord"))
        for cut in [1, 8, 11, 12, 40, good.count - 1] {
            let error = formatError { _ = try YouTube8MRecords.records(from: good.prefix(cut), path: "cut.tfrecord") }
            #expect(error?.errorCode == 65, "cut at \(cut)")
        }
        var lengthFlipped = good
        lengthFlipped[0] ^= 0x40
        #expect(formatError { _ = try YouTube8MRecords.records(from: lengthFlipped, path: "x") }?.reason.contains("length CRC mismatch") == true)
        // A framed record whose payload is not a SequenceExample.
        let junk = TFRecord.frame(Data([0xff, 0xff, 0xff]))
        #expect(formatError { _ = try YouTube8MRecords.records(from: junk, path: "x") }?.reason.contains("not a tf.SequenceExample") == true)
    }

    @Test func framesOfUnequalWidthAreMalformed() throws {
        var example = Tensorflow_SequenceExample()
        var list = Tensorflow_FeatureList()
        for width in [4, 3] {
            var frame = Tensorflow_Feature()
            frame.bytesList.value = [Data(repeating: 1, count: width)]
            list.feature.append(frame)
        }
        example.featureLists.featureList["rgb"] = list
        let data = TFRecord.frame(try example.serializedBytes())
        let error = formatError { _ = try YouTube8MRecords.records(from: data, path: "x") }
        #expect(error?.reason == "video 0: rgb frame 1 has 3 values, frame 0 has 4")
    }

    /// Vigil's writer output is what tools/make_format_fixtures.py parsed with Python's protobuf (byte for byte).
    @Test func writerRoundTripsAndMatchesTheCheckedFile() throws {
        let records = try readFeatureRecords(Fixtures.url("frames.tfrecord"))
        let data = try YouTube8MRecords.encode(records)
        try Fixtures.saveIfAsked(data, as: "written_by_vigil.tfrecord")
        #expect(data == (try Data(contentsOf: Fixtures.url("written_by_vigil.tfrecord"))))
        #expect(try YouTube8MRecords.records(from: data, path: "w") == records)
    }
}
