// Hostile files in process (docs/robustness.md, "Hostile files"): the budget that counts what a pickle materialises,
// teardown of deep nesting for every container kind, the rank cap and linear Fortran reorder, the safetensors
// header reader, and the file access every reader and writer goes through. Inputs are made here, in code.
import Foundation
import Testing
@testable import Formats

/// Pickle opcodes, enough to build the crafted files below (protocol 2).
private enum Op {
    static let proto: [UInt8] = [0x80, 2]
    static func shortBytes(_ count: Int) -> [UInt8] { [UInt8(ascii: "B")] + withUnsafeBytes(of: UInt32(count).littleEndian, Array.init) + [UInt8](repeating: 7, count: count) }
    static func put(_ index: UInt8) -> [UInt8] { [UInt8(ascii: "q"), index] }
    static func get(_ index: UInt8) -> [UInt8] { [UInt8(ascii: "h"), index] }
    static let none: [UInt8] = [UInt8(ascii: "N")]
    static let pop: [UInt8] = [UInt8(ascii: "0")]
    static let mark: [UInt8] = [UInt8(ascii: "(")]
    static let stop: [UInt8] = [UInt8(ascii: ".")]
}

@Suite struct HostileFileTests {
    private func load(_ bytes: [UInt8]) -> FormatError? {
        formatError { _ = try Unpickler.load(Data(bytes), path: "crafted.pkl") }
    }

    @Test func aSharedObjectIsChargedEachTimeItIsUsed() {
        // One 64 KiB bytes object in the memo, then a list naming it 10 000 times: 655 MB for a 90 kB file.
        var bytes = Op.proto + Op.shortBytes(65_536) + Op.put(0) + Op.pop + [UInt8(ascii: "]")] + Op.mark
        for _ in 0..<10_000 { bytes += Op.get(0) }
        bytes += [UInt8(ascii: "e")] + Op.stop
        let error = load(bytes)
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("one shared object is used many times") == true, "\(error?.reason ?? "loaded")")
        // Used a few times, as honest files do, it loads.
        var few = Op.proto + Op.shortBytes(65_536) + Op.put(0) + Op.pop + [UInt8(ascii: "]")] + Op.mark
        for _ in 0..<3 { few += Op.get(0) }
        few += [UInt8(ascii: "e")] + Op.stop
        #expect(load(few) == nil)
    }

    @Test func oneOrderedDictCannotCopyASharedListOverAndOver() {
        // OrderedDict(pairs) REDUCEd 2 000 times over one memoised list of 1 000 pairs: two million entries.
        var bytes = Op.proto + Array("ccollections\nOrderedDict\n".utf8) + Op.put(1) + Op.pop
        bytes += [UInt8(ascii: "]")] + Op.mark
        for _ in 0..<1_000 { bytes += [UInt8(ascii: "K"), 1, UInt8(ascii: "K"), 2, 0x86] }
        bytes += [UInt8(ascii: "e")] + Op.put(0) + Op.pop + [UInt8(ascii: "]")] + Op.mark
        for _ in 0..<2_000 { bytes += Op.get(1) + Op.get(0) + [0x85, UInt8(ascii: "R")] }
        bytes += [UInt8(ascii: "e")] + Op.stop
        let error = load(bytes)
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("shared containers are used many times") == true, "\(error?.reason ?? "loaded")")
    }

    /// 100 000 levels of one container kind; before, releasing tuples recursively overflowed the stack (SIGSEGV).
    @Test(arguments: ["tuple1", "tuple", "list", "dict"])
    func deepNestingIsRefusedAndFreedWithoutRecursion(kind: String) {
        var bytes = Op.proto + Op.none
        let wrap: [UInt8] = switch kind {
        case "tuple": Op.mark + Op.get(1) + [UInt8(ascii: "t")]
        case "list": Op.mark + Op.get(1) + [UInt8(ascii: "l")]
        default: Op.mark + [UInt8(ascii: "K"), 0] + Op.get(1) + [UInt8(ascii: "d")]
        }
        for _ in 0..<100_000 { bytes += kind == "tuple1" ? [0x85] : Op.put(1) + Op.pop + wrap }
        bytes += Op.stop
        let error = load(bytes)
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("containers nested deeper than 200") == true, "\(error?.reason ?? "loaded")")
    }

    @Test func torchViewsCannotCopyOneStorageOverAndOver() {
        // A legacy PyTorch checkpoint: 20 000 keys, each a view of the whole 1 MB storage "0" (20 GB to copy).
        func text(_ s: String) -> [UInt8] { [0x8c, UInt8(s.utf8.count)] + Array(s.utf8) }
        let elements = 262_144
        var file: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
        file += Op.proto + [UInt8(ascii: "M"), 0xe9, 0x03] + Op.stop  // protocol version 1001
        file += Op.proto + [UInt8(ascii: "}")] + Op.stop  // sys info
        file += Op.proto + Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8) + Op.put(1) + Op.pop
        file += Op.mark + Op.mark + text("storage") + Array("ctorch\nFloatStorage\n".utf8) + text("0") + text("cpu")
        file += [UInt8(ascii: "J")] + withUnsafeBytes(of: Int32(elements).littleEndian, Array.init) + [UInt8(ascii: "t"), UInt8(ascii: "Q")]
        file += [UInt8(ascii: "K"), 0, UInt8(ascii: "J")] + withUnsafeBytes(of: Int32(elements).littleEndian, Array.init) + [0x85]
        file += [UInt8(ascii: "K"), 1, 0x85, 0x89, UInt8(ascii: "N"), UInt8(ascii: "t")] + Op.put(2) + Op.pop
        file += [UInt8(ascii: "}")] + Op.mark
        for key in 0..<20_000 { file += text("w\(key)") + Op.get(1) + Op.get(2) + [UInt8(ascii: "R")] }
        file += [UInt8(ascii: "u")] + Op.stop
        file += Op.proto + [UInt8(ascii: "]")] + text("0") + [UInt8(ascii: "a")] + Op.stop  // storage keys
        file += withUnsafeBytes(of: UInt64(elements).littleEndian, Array.init) + [UInt8](repeating: 0, count: elements * 4)
        let error = formatError { _ = try TorchCheckpoint(Data(file), path: "shared.pth") }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("views share storages many times") == true, "\(error?.reason ?? "loaded")")
    }

    @Test func fortranOrderIsReorderedCorrectlyAroundAxesOfSizeOne() throws {
        // a[i, 0, j, 0] = 3i + j for shape (2, 1, 3, 1), stored column-major: a00 a10 a01 a11 a02 a12.
        let array = try NumpyArray(dtype: .uint8, shape: [2, 1, 3, 1], data: Data([0, 3, 1, 4, 2, 5]), fortranOrder: true, path: "f")
        #expect([UInt8](array.data) == [0, 1, 2, 3, 4, 5])
        // (2, 3, 4): element (i, j, k) = 12i + 4j + k in C order, at i + 2j + 6k in Fortran order.
        var fortran = [UInt8](repeating: 0, count: 24)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { fortran[i + 2 * j + 6 * k] = UInt8(12 * i + 4 * j + k) } } }
        let cube = try NumpyArray(dtype: .uint8, shape: [2, 3, 4], data: Data(fortran), fortranOrder: true, path: "f")
        #expect([UInt8](cube.data) == (0..<24).map(UInt8.init))
    }

    @Test func rankIsCappedAtNumpysSixtyFour() throws {
        _ = try NumpyArray(dtype: .uint8, shape: [Int](repeating: 1, count: 64), data: Data([9]), fortranOrder: true, path: "r")
        let error = formatError {
            _ = try NumpyArray(dtype: .uint8, shape: [Int](repeating: 1, count: 65), data: Data([9]), fortranOrder: true, path: "r")
        }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains("65 dimensions (numpy allows 64)") == true)
    }

    private func safetensors(_ header: String, data: [UInt8] = [0, 0, 0, 0]) -> Data {
        var out = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) }
        out.append(Data(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#, "tensor a appears twice"),
        (#"{"__metadata__":{"k":"1","k":"2"}}"#, "__metadata__ key k appears twice"),
        (#"{"__metadata__":{},"__metadata__":{}}"#, "__metadata__ appears twice"),
        (#"{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}"#, "dtype appears twice"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":"# + String(repeating: "[", count: 65) + "]}}", "nested deeper than 64"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x"#, "bytes after the header object"),
    ])
    func headerFaultsAreRefused(header: String, reason: String) {
        let error = formatError { _ = try Safetensors.read(safetensors(header), path: "h.safetensors") }
        #expect(error?.errorCode == 65)
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "read")")
    }

    @Test func headerReaderKeepsWhatTheFormatAllows() throws {
        let header = #" { "b\u00e9\n" : {"dtype":"F32", "x":{"y":[1,{"z":null}]}, "shape":[1],"data_offsets":[0,4]},"#
            + #""__metadata__":{"format":"pt"}} "#
        let file = try Safetensors.read(safetensors(header, data: [0, 0, 0x80, 0x3f]), path: "ok.safetensors")
        #expect(file.tensors["bé\n"]?.scalars == [1])
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func inputsThatAreNotRegularFilesAreRefusedWithoutWaiting() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fifo-\(UUID())").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        for (path, reason) in [(fifo, "is a named pipe (FIFO), not a regular file"), ("/dev/zero", "is a character device, not a regular file")] {
            let error = formatError { _ = try InputFile.read(URL(fileURLWithPath: path)) }
            #expect(error?.errorCode == 66)
            #expect(error?.reason == reason)
        }
    }

    @Test func urlsAreRefusedWhereOnlyPathsWork() throws {
        // `weights: http://host/x.safetensors` in a pipeline file was read as the local file /x.safetensors.
        let url = try #require(URL(string: "http://127.0.0.1:1/etc/demo.safetensors"))
        for error in [formatError { _ = try loadWeights(url) }, formatError { _ = try LabelMap.load(url) },
                      formatError { _ = try readFeatureRecords(url) }, formatError { try OutputFile.write(Data(), to: url) }] {
            #expect(error?.errorCode == 64)
            #expect(error?.errorDescription == "http://127.0.0.1:1/etc/demo.safetensors: is a URL; only a local path can be used here")
        }
    }

    @Test func outputsReplaceAPlantedLinkAndKeepTheMode() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-out-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appendingPathComponent("victim"), target = folder.appendingPathComponent("out.bin")
        try Data("victim".utf8).write(to: victim)
        #expect(symlink(victim.path, target.path) == 0)
        try OutputFile.write(Data("new".utf8), to: target)
        #expect(try Data(contentsOf: victim) == Data("victim".utf8))
        #expect(try Data(contentsOf: target) == Data("new".utf8))
        #expect(chmod(target.path, 0o640) == 0)
        try OutputFile.write(Data("newer".utf8), to: target)
        var info = stat()
        #expect(stat(target.path, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["out.bin", "victim"])
        // A folder that does not exist: exit 74, nothing left anywhere.
        let error = formatError { try OutputFile.write(Data(), to: folder.appendingPathComponent("no/such/x.bin")) }
        #expect(error?.errorCode == 74)
    }
}
