// Tests of the restricted unpickler: real pickles from Python/numpy, and the files it must refuse.
import Foundation
import Testing
@testable import Formats

@Suite struct UnpicklerTests {
    @Test func refusesOsSystem() {
        let error = formatError { _ = try Unpickler.load(contentsOf: Fixtures.url("evil_os_system.pkl")) }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("posix.system") == true)
        #expect(error?.errorDescription?.hasPrefix(Fixtures.url("evil_os_system.pkl").path) == true)
    }

    @Test func refusesBuiltinsEval() {
        let error = formatError { _ = try Unpickler.load(contentsOf: Fixtures.url("evil_eval.pkl")) }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("builtins.eval") == true)
    }

    @Test func truncatedPickleIsMalformed() {
        let error = formatError { _ = try Unpickler.load(contentsOf: Fixtures.url("truncated.pkl")) }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("truncated") == true)
    }

    @Test func unsupportedDtypeIsNamed() {
        let error = formatError { _ = try Unpickler.load(contentsOf: Fixtures.url("complex_dtype.pkl")) }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("unsupported numpy dtype 'c8'") == true)
    }

    @Test func shapeThatDisagreesWithTheDataIsMalformed() {
        let error = formatError { _ = try Unpickler.load(contentsOf: Fixtures.url("shape_mismatch.pkl")) }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("needs 24 bytes but holds 16") == true)
    }

    @Test func missingFileIsUnreadable() {
        let error = formatError { _ = try Unpickler.load(contentsOf: Fixtures.url("no_such_file.pkl")) }
        #expect(error?.errorCode == 66)
        #expect(formatError { _ = try Unpickler.load(contentsOf: Fixtures.directory) }?.errorCode == 66)
    }

    @Test func memoAndFrameAndBinGetWork() throws {
        // Protocol 5 uses FRAME, MEMOIZE, BINGET (the shared numpy.dtype global), BYTEARRAY8 and _frombuffer.
        let value = try Unpickler.load(contentsOf: Fixtures.url("video_p5.pkl"))
        guard case .array(let feature)? = value["feature"] else { Issue.record("no feature array"); return }
        #expect(feature.dtype == .uint8)
        #expect(feature.shape == [3, 8])
        guard case .array(let nframes)? = value["nframes"] else { Issue.record("no nframes scalar"); return }
        #expect(nframes.shape == [] && nframes.integers() == [3])
    }

    @Test func hostileInputsFailCleanly() {
        let cases: [[UInt8]] = [
            [],                                   // empty
            [0x80, 0x09, 0x4e, 0x2e],             // protocol 9
            [0x80, 0x02, 0x2e],                   // STOP on an empty stack
            [0x80, 0x02, 0x68, 0x05, 0x2e],       // BINGET of an unwritten memo entry
            [0x80, 0x02, 0x65, 0x2e],             // APPENDS without MARK
            [0x80, 0x04, 0x8e] + [UInt8](repeating: 0xff, count: 8) + [0x2e],  // BINBYTES8 longer than the file
            [0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0x7f],  // BINUNICODE longer than the file
            [0x80, 0x02, 0x4e, 0x30, 0x30, 0x2e], // POP below the bottom
            [0x80, 0x02, 0x49, 0x31, 0x0a, 0x2e], // protocol 0 INT is not supported
            [0x80, 0x02, 0x4b, 0x01, 0x4b, 0x02, 0x52, 0x2e],  // REDUCE of a non-callable
            [0x80, 0x02] + [UInt8](repeating: 0x28, count: 20_000) + [0x2e],  // too many MARKs
        ]
        for bytes in cases {
            let error = formatError { _ = try Unpickler.load(Data(bytes), path: "hostile.pkl") }
            #expect(error?.errorCode == 65, "bytes \(bytes.prefix(12))")
            #expect(error?.path == "hostile.pkl")
        }
    }

    @Test func selfReferencingListIsBounded() {
        // l = []; l.append(l)  — a cycle: must end with an error, not recurse forever.
        let bytes: [UInt8] = [0x80, 0x02, 0x5d, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2e]
        let error = formatError { _ = try Unpickler.load(Data(bytes), path: "cycle.pkl") }
        #expect(error?.errorCode == 65)
    }

    @Test func writerRoundTripsEveryValueKind() throws {
        let array = try NumpyArray(dtype: .float32, shape: [2, 2], data: [Float](arrayLiteral: 1, -2, 3.5, 4).withUnsafeBytes { Data($0) }, path: "t")
        let value = PickleValue.dict([
            PickleEntry(.string("ints"), .list([.int(0), .int(255), .int(256), .int(65536), .int(-1), .int(1 << 40)])),
            PickleEntry(.string("float"), .float(0.1)),
            PickleEntry(.string("flags"), .tuple([.bool(true), .bool(false), .none, .string("é"), .tuple([]), .tuple([.int(1), .int(2), .int(3), .int(4)])])),
            PickleEntry(.bytes(Data([0, 200, 255])), .bytes(Data((0...255).map { UInt8($0) }))),
            PickleEntry(.string("array"), .array(array)),
        ])
        for version in [2, 4] {
            let data = try PickleWriter.encode(value, protocol: version)
            #expect(try Unpickler.load(data, path: "roundtrip") == value, "protocol \(version)")
        }
    }
}

@Suite struct OrderedDictTests {
    /// `collections.OrderedDict` as Python 3 pickles it (REDUCE with no items, then SETITEMS) and as Python 2 did
    /// (REDUCE with a list of [key, value] lists).
    @Test func bothPicklingStylesLoad() throws {
        let python3: [UInt8] = [0x80, 0x02] + Array("ccollections\nOrderedDict\n".utf8) + [0x29, 0x52, 0x28]
            + [0x58, 1, 0, 0, 0, 0x61, 0x4b, 1, 0x75, 0x2e]  // ) R ( 'a' 1 u .
        let pairList: [UInt8] = [0x80, 0x02] + Array("ccollections\nOrderedDict\n".utf8)
            + [0x5d, 0x28, 0x55, 1, 0x61, 0x4b, 1, 0x6c, 0x61, 0x85, 0x52, 0x2e]  // [ (b'a' 1 LIST) APPEND TUPLE1 R .
        let expected = PickleValue.dict([PickleEntry(.string("a"), .int(1))])
        #expect(try Unpickler.load(Data(python3), path: "od3") == expected)
        #expect(try Unpickler.load(Data(pairList), path: "od2") == .dict([PickleEntry(.bytes(Data("a".utf8)), .int(1))]))
    }
}
