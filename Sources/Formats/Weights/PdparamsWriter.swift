// PdparamsWriter: Vigil's tensors → a `.pdparams` pickle that PaddlePaddle's paddle.load reads.
import Foundation
import Tensor

/// Writes a state dict as `paddle.save` does: a dict of parameter name → float32 numpy array.
public enum PdparamsWriter {
    /// The pickle bytes; with `lstmAliases`, every `X.weight_ih_l0`-style LSTM tensor is written a second time under
    /// `X.0.cell_fw.weight_ih` as `paddle.nn.LSTM.state_dict()` has it (so `set_state_dict` finds every key).
    public static func encode(_ tensors: [String: Tensor], protocol version: Int = 4, lstmAliases: Bool = true) throws -> Data {
        var entries: [PickleEntry] = []
        for name in tensors.keys.sorted() {
            guard let tensor = tensors[name] else { continue }
            let bytes = tensor.scalars.withUnsafeBytes { Data($0) }
            let value = PickleValue.array(try NumpyArray(dtype: .float32, shape: tensor.shape, data: bytes, path: name))
            entries.append(PickleEntry(.string(name), value))
            if lstmAliases, let alias = LSTMAliases.alias(of: name), tensors[alias] == nil {
                entries.append(PickleEntry(.string(alias), value))
            }
        }
        return try PickleWriter.encode(.dict(entries), protocol: version)
    }

    /// Writes `tensors` to `url` as a `.pdparams` pickle.
    public static func write(_ tensors: [String: Tensor], to url: URL, protocol version: Int = 4, lstmAliases: Bool = true) throws {
        try writeOutputFile(try encode(tensors, protocol: version, lstmAliases: lstmAliases), to: url)
    }
}
