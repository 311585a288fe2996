// Tests of the PyTorch checkpoint reader on small checkpoints PyTorch wrote (tools/make_efficientnet_fixtures.py):
// legacy and zip serialization, a strided tensor, and the files it must refuse.
import Foundation
import Tensor
import Testing
@testable import Formats

@Suite struct TorchCheckpointTests {
    static let folder = Fixtures.directory.appendingPathComponent("torch")
    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// What PyTorch saved, as contiguous Float32, and its key order.
    func reference() throws -> (tensors: [String: Tensor], order: [String]) {
        let (tensors, metadata) = try Safetensors.read(contentsOf: Self.url("tiny.safetensors"))
        let order = try JSONSerialization.jsonObject(with: Data((metadata["order"] ?? "[]").utf8)) as? [String] ?? []
        return (tensors, order)
    }

    @Test(arguments: ["tiny_legacy.pth", "tiny_zip.pth"])
    func readsWhatPyTorchSaved(_ name: String) throws {
        let checkpoint = try TorchCheckpoint(contentsOf: Self.url(name))
        let (tensors, order) = try reference()
        #expect(checkpoint.names == order)
        #expect(order.count == 9)
        for key in order {
            let scalar = key.hasSuffix("num_batches_tracked")  // shape [] in torch, [1] in the safetensors copy
            #expect(checkpoint.tensors[key]?.shape == (scalar ? [] : tensors[key]?.shape), "\(key)")
            #expect(checkpoint.tensors[key]?.scalars == tensors[key]?.scalars, "\(key)")  // exact, strides honoured
        }
        #expect(TorchCheckpoint.looksLikeCheckpoint(Self.url(name)))
    }

    @Test(arguments: ["tiny_legacy.pth", "tiny_zip.pth"])
    func truncatedFilesFailWithOneLine(_ name: String) throws {
        let data = try Data(contentsOf: Self.url(name))
        for cut in [data.count - 1, data.count / 2, 20] {
            do {
                _ = try TorchCheckpoint(data.prefix(cut), path: "cut.pth")
                Issue.record("\(name) cut at \(cut) was accepted")
            } catch let error as FormatError {
                #expect(error.kind == .malformed)
                #expect(error.errorCode == 65)
                #expect(!(error.errorDescription ?? "").contains("\n"))
            }
        }
    }

    @Test func aPickleNamingAnyOtherGlobalIsRefusedByName() throws {
        do {
            _ = try TorchCheckpoint(contentsOf: Self.url("evil_global.pth"))
            Issue.record("a pickle naming os.system was accepted")
        } catch let error as FormatError {
            #expect(error.errorCode == 65)
            #expect(error.reason.contains("refuses to load the global posix.system"))
            #expect(error.reason.contains("torch._utils._rebuild_tensor_v2"))
        }
    }

    @Test func tensorsReachingPastTheirStorageAreRefused() throws {
        // _rebuild_tensor_v2 with a stride that walks out of a 4-element storage.
        let pickle = TorchPickleExtension(path: "bad.pth")
        let storage = try pickle.persistentLoad(.tuple([.string("storage"), .string("torch.FloatStorage"), .string("0"), .string("cpu"), .int(4), .none]))
        _ = try pickle.call("torch._utils._rebuild_tensor_v2", [storage, .int(0), .tuple([.int(2), .int(2)]), .tuple([.int(3), .int(1)]), .bool(false), .dict([])])
        pickle.storages["0"]?.bytes = Data(count: 16)
        let bad = TorchLayout(path: "bad.pth", names: ["w"], entries: [0], pickle: pickle)
        #expect(throws: FormatError.self) { try bad.materialize() }
    }
}
