// PluginReply: the plug-in's answers judged from bytes alone (the process side is in ExecExtractorTests).
import Testing

@testable import Features

private func littleEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

private func helloAnswer(magic: String = "VGLX", version: UInt32 = 1, dimension: UInt32) -> [UInt8] {
    Array(magic.utf8) + littleEndian(version) + littleEndian(dimension)
}

private func refusal(_ body: () throws(PluginReply.Refusal) -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.reason
    }
}

@Test func theHelloAnswerGivesTheDimension() throws {
    #expect(try PluginReply.dimension(helloAnswer: helloAnswer(dimension: 1024), requested: 0) == 1024)
    #expect(try PluginReply.dimension(helloAnswer: helloAnswer(dimension: 128), requested: 128) == 128)
    #expect(try PluginReply.dimension(helloAnswer: helloAnswer(dimension: 1 << 20), requested: 0) == 1 << 20)
}

@Test func aWrongHelloAnswerIsRefusedWithItsReason() {
    let cases: [([UInt8], Int, String)] = [
        (helloAnswer(magic: "VGLY", dimension: 4), 0, "its answer to the hello does not start with VGLX"),
        (helloAnswer(version: 2, dimension: 4), 0, "speaks protocol version 2, Vigil speaks 1"),
        (helloAnswer(dimension: 0), 0, "declares dimension 0, expected 0"),
        (helloAnswer(dimension: (1 << 20) + 1), 0, "declares dimension 1048577, expected 0"),
        (helloAnswer(dimension: 0x8080_8080), 0, "declares dimension 2155905152, expected 0"),
        (helloAnswer(dimension: 64), 128, "declares dimension 64, expected 128"),
        (Array(helloAnswer(dimension: 4).prefix(11)), 0, "its answer to the hello is 11 bytes, expected 12"),
    ]
    for (answer, requested, reason) in cases {
        #expect(refusal { () throws(PluginReply.Refusal) in
            try PluginReply.dimension(helloAnswer: answer, requested: requested)
        } == reason)
    }
}

@Test func anItemIsItsCountThenItsValues() throws {
    #expect(try PluginReply.valueCount(littleEndian(3), dimension: 3, item: 1) == 3)
    let values: [Float] = [0.5, -2, 1e-30]
    let body = values.flatMap { littleEndian($0.bitPattern) }
    #expect(try PluginReply.vector(body, item: 1) == values)
    #expect(try PluginReply.vector([], item: 1) == [])
}

@Test func aWrongItemAnswerIsRefusedWithItsReason() {
    #expect(refusal { () throws(PluginReply.Refusal) in try PluginReply.valueCount(littleEndian(5), dimension: 3, item: 7) }
            == "answered 5 values for item 7, expected 3")
    #expect(refusal { () throws(PluginReply.Refusal) in try PluginReply.valueCount([1, 0], dimension: 3, item: 7) }
            == "answered a 2-byte count for item 7, expected 4")
    for bad in [Float.nan, .infinity, -.infinity] {
        #expect(refusal { () throws(PluginReply.Refusal) in try PluginReply.vector(littleEndian(bad.bitPattern), item: 2) }
                == "answered a non-finite value for item 2")
    }
    #expect(refusal { () throws(PluginReply.Refusal) in try PluginReply.vector([0, 0, 0], item: 2) }
            == "answered 3 bytes of values for item 2, not a whole number of float32")
}
