// Tests of safetensors reading/writing, metadata, dtype conversion, and the headers it must refuse.
import Foundation
import Testing
import Tensor
@testable import Formats

@Suite struct SafetensorsTests {
    func file(header: String, data: [UInt8]) -> Data {
        var out = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) }
        out.append(Data(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    @Test func weightsRoundTripWithMetadata() throws {
        let tensors = Fixtures.tensors("attention_cluster")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(tensors, metadata: ["model_type": "attention_cluster", "config": "{\"seg_num\":100}"], to: url)
        let weights = try loadWeights(url)
        #expect(weights.format == .safetensors)
        #expect(weights.tensors == tensors)
        #expect(weights.metadata["model_type"] == "attention_cluster")
        #expect(weights.metadata["config"] == "{\"seg_num\":100}")
        let header = try Data(contentsOf: url)
        #expect((8 + Int(header[0])) % 8 == 0)
    }

    @Test func headerLengthEndingIn0x80IsNotTakenForAPickle() throws {
        // A header of 128 + 256 bytes: the file's first byte is 0x80, a pickle's PROTO opcode.
        let base = #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"pad":""}}"#
        let header = base.replacingOccurrences(of: #""pad":"""#, with: "\"pad\":\"" + String(repeating: "p", count: 384 - base.utf8.count) + "\"")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let data = file(header: header, data: [0, 0, 0x80, 0x3f])
        #expect(data.first == 0x80)
        try data.write(to: url)
        #expect(try loadWeights(url).tensors["x"] == Tensor(shape: [1], scalars: [1]))
    }

    @Test func convertsOtherDtypes() throws {
        // F16 1.5 = 0x3E00, BF16 -2 = 0xC000, F64 0.25, U8 7
        let header = """
        {"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[2,4]},\
        "d":{"dtype":"F64","shape":[1],"data_offsets":[4,12]},"u":{"dtype":"U8","shape":[1,1],"data_offsets":[12,13]}}
        """
        let bytes: [UInt8] = [0x00, 0x3E, 0x00, 0xC0] + withUnsafeBytes(of: 0.25) { Array($0) } + [7]
        let read = try Safetensors.read(file(header: header, data: bytes), path: "t")
        #expect(read.tensors["h"]?.scalars == [1.5])
        #expect(read.tensors["b"]?.scalars == [-2])
        #expect(read.tensors["d"]?.scalars == [0.25])
        #expect(read.tensors["u"] == Tensor(shape: [1, 1], scalars: [7]))
    }

    @Test(arguments: [
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", "overlap"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "outside"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "does not fill"),
        ("{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", "dtype C64"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", "needs dtype"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,0]}}", "outside"),
        ("{\"__metadata__\":{\"k\":1}}", "not a string"),
        ("[1,2]", "not a JSON object"),
        ("{\"a\":", "not a JSON object"),
    ])
    func refusesBadHeaders(header: String, reason: String) {
        let error = formatError { _ = try Safetensors.read(file(header: header, data: [UInt8](repeating: 0, count: 8)), path: "bad.safetensors") }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error")")
    }

    @Test func headerLongerThanTheFileIsTruncated() {
        var data = withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) }
        data.append(Data("{}".utf8))
        #expect(formatError { _ = try Safetensors.read(data, path: "x") }?.reason.hasPrefix("truncated") == true)
    }

    @Test func featuresRoundTripThroughEveryWriter() throws {
        var record = try #require(try readFeatureRecords(Fixtures.url("video_p2.pkl")).first)
        record.timestamps = [0, 1, 2]
        for ext in ["safetensors", "pkl", "tfrecord"] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).\(ext)")
            defer { try? FileManager.default.removeItem(at: url) }
            try writeFeatureRecords([record], to: url)
            var back = try #require(try readFeatureRecords(url).first)
            if ext != "safetensors" { back.timestamps = record.timestamps }
            #expect(back == record, "\(ext)")
        }
        let error = formatError { try writeFeatureRecords([record], to: URL(fileURLWithPath: "/tmp/x.mp4")) }
        #expect(error?.errorCode == 64)
    }

    @Test func unknownContentIsNamed() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID()).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("hello, not features".utf8).write(to: url)
        #expect(formatError { _ = try readFeatureRecords(url) }?.reason.hasPrefix("not a feature file") == true)
        #expect(formatError { _ = try loadWeights(url) }?.errorCode == 65)
    }
}

@Suite struct SaveWeightsTests {
    @Test func convertsPdparamsToSafetensorsAndBack() throws {
        let source = try loadWeights(Fixtures.url("attention_lstm_p4.pdparams"))
        var labeled = try source.withLabelNames(LabelMap(names: ["a", "b", nil, "d", "e"]))
        labeled.metadata[WeightFile.MetadataKey.modelType] = "attention_lstm"  // the caller's (Models' catalogue) word
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let safetensors = directory.appendingPathComponent("m.safetensors")
        try saveWeights(labeled, to: safetensors)
        let loaded = try loadWeights(safetensors)
        #expect(loaded.tensors == source.tensors)
        #expect(loaded.metadata["model_type"] == "attention_lstm")
        #expect(try loaded.labelMap(path: "m")?.names == ["a", "b", "", "d", "e"])
        let pdparams = directory.appendingPathComponent("m.pdparams")
        try saveWeights(loaded, to: pdparams)
        #expect(try loadWeights(pdparams).tensors == source.tensors)
        #expect(formatError { try saveWeights(loaded, to: directory.appendingPathComponent("m.bin")) }?.errorCode == 64)
    }
}
