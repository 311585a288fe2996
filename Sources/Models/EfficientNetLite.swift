// EfficientNetLite: EfficientNet-Lite0 for inference (ImageNet-pretrained feature extractor), port of PyPI's
// efficientnet-lite-pytorch 0.1.0 (model.py, utils.py `efficientnet_lite`), keys as in its state dict.
// Legend: N images, C channels, H×W pixels. Activations are channel-major [C, N, H, W] (Tensor/Convolution.swift).
// Stem 3×3/2 conv → 16 MBConv blocks (1×1 expand, K×K depthwise, 1×1 project, residual when the shape is kept) →
// 1×1 head conv to 1280 → global average pool (the features) → fc to 1000 (the logits). ReLU6 everywhere, no
// squeeze-excitation, TensorFlow "SAME" padding; batch norm (eps 1e-3) folded into each convolution at load.
import Tensor

/// One convolution with its batch norm folded in: weights [O, C·K·K] (depthwise: [C, K·K]) and bias [O].
struct FoldedConvolution: Sendable {
    let weights: [Float]  // [O, C·K·K]
    let bias: [Float]  // [O]
    /// The dense and 1×1 convolutions' weights packed for Tensor's kernel (nil for a depthwise one).
    let matrix: ConvolutionWeights?
    let outChannels: Int
    let inChannels: Int  // per group: 1 for a depthwise convolution
    let kernel: Int

    /// Folds `<bn>.{weight,bias,running_mean,running_var}` into `<conv>.weight`.
    init(conv: String, norm: String, inChannels: Int, outChannels: Int, kernel: Int, table: inout WeightTable) throws {
        let shape = [outChannels, inChannels, kernel, kernel]
        let w = try table.expect("\(conv).weight", shape)
        let gamma = try table.expect("\(norm).weight", [outChannels]), beta = try table.expect("\(norm).bias", [outChannels])
        let mean = try table.expect("\(norm).running_mean", [outChannels]), variance = try table.expect("\(norm).running_var", [outChannels])
        self.outChannels = outChannels
        self.inChannels = inChannels
        self.kernel = kernel
        let perOutput = inChannels * kernel * kernel
        var weights = [Float](repeating: 0, count: outChannels * perOutput)
        var bias = [Float](repeating: 0, count: outChannels)
        let depthwise = inChannels == 1 && kernel > 1
        guard let w, let gamma, let beta, let mean, let variance else {
            self.weights = weights
            self.bias = bias
            matrix = nil
            return  // the table names the missing keys at the end
        }
        for o in 0..<outChannels {
            let scale = gamma.scalars[o] / (variance.scalars[o] + EfficientNetLite.batchNormEpsilon).squareRoot()
            for i in 0..<perOutput { weights[o * perOutput + i] = w.scalars[o * perOutput + i] * scale }
            bias[o] = beta.scalars[o] - mean.scalars[o] * scale
        }
        self.weights = weights
        self.bias = bias
        matrix = depthwise ? nil : ConvolutionWeights(weights: weights, bias: bias, outChannels: outChannels, inChannels: perOutput)
    }
}

/// One mobile inverted bottleneck block (MBConvBlock without squeeze-excitation).
struct MBConvBlock: Sendable {
    let expand: FoldedConvolution?  // 1×1, C → C·e (absent when e = 1)
    let depthwise: FoldedConvolution  // K×K per channel, stride S
    let project: FoldedConvolution  // 1×1, C·e → O, no activation
    let stride: Int
    var residual: Bool { stride == 1 && (expand.map { $0.inChannels } ?? depthwise.outChannels) == project.outChannels }
}

/// EfficientNet-Lite0 with loaded, immutable weights; share one across streams, give each its own workspace.
public struct EfficientNetLite: Sendable {
    /// Input side (pixels) the network was trained at.
    public static let imageSize = 224
    /// Length of the pooled features.
    public static let featureDimension = 1280
    static let batchNormEpsilon: Float = 1e-3
    /// (repeats, kernel, stride, expand ratio, in, out) per stage: `efficientnet_lite`'s block strings.
    static let stages: [(repeats: Int, kernel: Int, stride: Int, expand: Int, input: Int, output: Int)] = [
        (1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
        (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320),
    ]

    let stem: FoldedConvolution  // 3×3/2, 3 → 32
    let blocks: [MBConvBlock]
    let head: FoldedConvolution  // 1×1, 320 → 1280
    let fcPanels: [Float]  // [classes, 1280] in PanelGemm's panels
    let fcBias: [Float]  // [classes]
    /// Number of logits (1000 for ImageNet).
    public let classes: Int

    /// Builds the network from a PyTorch state dict; fails naming missing, unexpected or misshapen keys.
    public init(stateDict tensors: [String: Tensor]) throws {
        // num_batches_tracked (a training counter, shape []) carries nothing inference needs.
        var table = WeightTable(model: "efficientnet_lite0", tensors: tensors.filter { !$0.key.hasSuffix(".num_batches_tracked") })
        stem = try FoldedConvolution(conv: "_conv_stem", norm: "_bn0", inChannels: 3, outChannels: 32, kernel: 3, table: &table)
        var blocks: [MBConvBlock] = []
        for stage in Self.stages {
            for r in 0..<stage.repeats {
                let prefix = "_blocks.\(blocks.count)"
                let input = r == 0 ? stage.input : stage.output, hidden = input * stage.expand
                let expand = stage.expand == 1 ? nil : try FoldedConvolution(
                    conv: "\(prefix)._expand_conv", norm: "\(prefix)._bn0", inChannels: input, outChannels: hidden, kernel: 1, table: &table)
                let depthwise = try FoldedConvolution(
                    conv: "\(prefix)._depthwise_conv", norm: "\(prefix)._bn1", inChannels: 1, outChannels: hidden, kernel: stage.kernel, table: &table)
                let project = try FoldedConvolution(
                    conv: "\(prefix)._project_conv", norm: "\(prefix)._bn2", inChannels: hidden, outChannels: stage.output, kernel: 1, table: &table)
                blocks.append(MBConvBlock(expand: expand, depthwise: depthwise, project: project, stride: r == 0 ? stage.stride : 1))
            }
        }
        self.blocks = blocks
        head = try FoldedConvolution(conv: "_conv_head", norm: "_bn1", inChannels: 320, outChannels: Self.featureDimension, kernel: 1, table: &table)
        let fcBias = try table.take("_fc.bias")
        let classes = fcBias?.count ?? 1000
        let fcWeights = try table.expect("_fc.weight", [classes, Self.featureDimension])
        try table.finish()
        self.classes = classes
        var fcPanels = [Float](repeating: 0, count: PanelGemm.packedCount(rows: classes, columns: Self.featureDimension))
        if let fcWeights { PanelGemm.pack(fcWeights.scalars, rows: classes, columns: Self.featureDimension, into: &fcPanels) }
        self.fcPanels = fcPanels
        self.fcBias = fcBias?.scalars ?? []
        guard self.fcBias.count == classes, fcBias?.shape == [classes] else {
            throw ModelError.shapeMismatch(key: "_fc.bias", expected: [classes], actual: fcBias?.shape ?? [])
        }
    }

    /// Features [N, 1280] and, when `workspace` asks for them, logits [N, classes] for images already preprocessed
    /// into `workspace.input` ([3, N, 224, 224], (x − 127) / 128). N ≤ the workspace's batch. With several images
    /// and threads, the images are split between the threads and each runs its share through the whole network, one
    /// image at a time, on its own slice of the workspace (no synchronisation per layer); the fc then takes the
    /// share's images at once. One image splits each layer across the threads instead.
    public func forward(_ workspace: EfficientNetLiteWorkspace, images: Int, threads: Int = OpenBLASKernel.threads) {
        precondition(images <= workspace.batch && images > 0, "batch \(images) outside the workspace's 1…\(workspace.batch)")
        let groups = images >= 2 && threads >= 2 && !pointwiseConvolutionUsesOpenBLAS ? min(threads, images) : 1
        let plane = Self.imageSize * Self.imageSize, (activation, scratch) = bufferSizes()
        // A share on one thread passes its images one at a time (a batch of 4 at once ran 10–20 % slower per image
        // in its larger working set); one share across several threads passes them all at once.
        let perThreads = groups > 1 ? 1 : threads, perPass = perThreads == 1 ? 1 : images
        workspace.withBuffers { buffers in
            forEachPart(groups) { group in
                let (i0, i1) = share(images, group, of: groups)
                // The share's activations stay in its first images' slots; `perPass` images go through at a time.
                func slice(_ first: Int) -> EfficientNetLiteWorkspace.Buffers {
                    EfficientNetLiteWorkspace.Buffers(
                        input: buffers.input + first * plane, a: buffers.a + i0 * activation, b: buffers.b + i0 * activation,
                        c: buffers.c + i0 * activation, d: buffers.d + i0 * activation, scratch: buffers.scratch + i0 * scratch,
                        pooled: buffers.pooled + i0 * Self.featureDimension, features: buffers.features + first * Self.featureDimension,
                        logits: buffers.logits.map { $0 + first * classes })
                }
                for first in stride(from: i0, to: i1, by: perPass) {
                    features(slice(first), images: min(perPass, i1 - first), inputChannelStride: images * plane, threads: perThreads)
                }
                logits(slice(i0), images: i1 - i0)
            }
        }
    }

    /// Pooled features [N, 1280] of N images through the convolutions, each layer split across `threads`.
    private func features(_ buffers: EfficientNetLiteWorkspace.Buffers, images: Int, inputChannelStride: Int, threads: Int) {
        var size = Self.imageSize
        let (a, b, c, d) = (buffers.a, buffers.b, buffers.c, buffers.d)
        // Stem: input → a [32, N, 112, 112]
        denseConvolution(
            output: a, input: buffers.input, weights: stem.matrix!, columns: buffers.scratch, inChannels: 3,
            images: images, height: size, width: size, kernel: 3, stride: 2, activation: .relu6,
            channelStride: inputChannelStride, threads: threads)
        size = samePadding(input: size, kernel: 3, stride: 2).output
        var current = a, spare = d
        for block in blocks {
            let pixels = images * size * size
            var hidden = UnsafePointer(current)
            if let expand = block.expand {  // current → b
                pointwiseConvolution(
                    output: b, input: current, weights: expand.matrix!, pixels: pixels, activation: .relu6, threads: threads)
                hidden = UnsafePointer(b)
            }
            let dw = block.depthwise  // hidden → c
            depthwiseConvolution(
                output: c, input: hidden, weights: dw.weights, bias: dw.bias, channels: dw.outChannels,
                images: images, height: size, width: size, kernel: dw.kernel, stride: block.stride, activation: .relu6,
                threads: threads)
            size = samePadding(input: size, kernel: dw.kernel, stride: block.stride).output
            let outPixels = images * size * size
            // c → spare (+ current, added in the kernel's store)
            pointwiseConvolution(
                output: spare, input: c, weights: block.project.matrix!, pixels: outPixels, activation: .none,
                residual: block.residual ? UnsafePointer(current) : nil, threads: threads)
            swap(&current, &spare)
        }
        let pixels = size * size  // head: current → b [1280, N, 7, 7]
        pointwiseConvolution(
            output: b, input: current, weights: head.matrix!, pixels: images * pixels, activation: .relu6, threads: threads)
        globalAveragePool(output: buffers.features, input: b, channels: head.outChannels, images: images, pixels: pixels)
    }

    /// Logits [N, classes] from the pooled features [N, 1280] of N images (when the workspace wants them).
    private func logits(_ buffers: EfficientNetLiteWorkspace.Buffers, images: Int) {
        guard let logits = buffers.logits else { return }
        for n in 0..<images {  // pooled [1280, N]: the fc's transposed input
            for k in 0..<Self.featureDimension { buffers.pooled[k * images + n] = buffers.features[n * Self.featureDimension + k] }
        }
        fcPanels.withUnsafeBufferPointer { panels in
            PanelGemm.multiply(
                m: images, n: classes, k: Self.featureDimension, aT: buffers.pooled, lda: images, panels: panels.baseAddress!,
                c: logits, ldc: classes)
        }
        for n in 0..<images {
            for k in 0..<classes { logits[n * classes + k] += fcBias[k] }
        }
    }

    /// Floats of the largest activation [C, N, H, W] per image, and of the stem's im2col scratch.
    func bufferSizes() -> (activation: Int, scratch: Int) {
        var size = samePadding(input: Self.imageSize, kernel: 3, stride: 2).output
        var activation = 32 * size * size
        let scratch = 27 * size * size
        for block in blocks {
            activation = max(activation, block.depthwise.outChannels * size * size)
            size = samePadding(input: size, kernel: block.depthwise.kernel, stride: block.stride).output
        }
        activation = max(activation, Self.featureDimension * size * size)
        return (activation, scratch)
    }
}

/// The buffers one stream's forward passes use, allocated once for up to `batch` images.
public final class EfficientNetLiteWorkspace {
    /// Largest number of images per forward pass.
    public let batch: Int
    /// Whether `forward` computes the logits too.
    public let wantsLogits: Bool
    /// Preprocessed images, [3, N, 224, 224]: fill with `setPixel`-style writes before `forward`.
    public var input: [Float]
    /// Pooled features after `forward`, [N, 1280].
    public var features: [Float]
    /// Logits after `forward` when `wantsLogits`, [N, classes].
    public var logits: [Float]
    private var a: [Float], b: [Float], c: [Float], d: [Float]  // [C, N, H, W] activations
    private var scratch: [Float]  // im2col columns of the stem
    private var pooled: [Float]  // [1280, N] per share of the images: the fc's transposed input

    public init(network: EfficientNetLite, batch: Int, logits: Bool) {
        self.batch = batch
        wantsLogits = logits
        let (activation, scratchCount) = network.bufferSizes()
        let side = EfficientNetLite.imageSize
        input = [Float](repeating: 0, count: 3 * batch * side * side)
        features = [Float](repeating: 0, count: batch * EfficientNetLite.featureDimension)
        self.logits = [Float](repeating: 0, count: logits ? batch * network.classes : 0)
        a = [Float](repeating: 0, count: activation * batch)
        b = a
        c = a
        d = a
        scratch = [Float](repeating: 0, count: scratchCount * batch)
        pooled = features
    }

    /// One forward pass's pointers: the whole workspace, or one share of its images (every buffer offset by the
    /// share's first image, so the shares write disjoint memory).
    struct Buffers {
        let input: UnsafePointer<Float>
        let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>
        let scratch: UnsafeMutablePointer<Float>, pooled: UnsafeMutablePointer<Float>, features: UnsafeMutablePointer<Float>
        let logits: UnsafeMutablePointer<Float>?
    }

    func withBuffers(_ body: (Buffers) -> Void) {
        input.withUnsafeBufferPointer { input in
            a.withUnsafeMutableBufferPointer { a in
                b.withUnsafeMutableBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        d.withUnsafeMutableBufferPointer { d in
                            scratch.withUnsafeMutableBufferPointer { scratch in
                                pooled.withUnsafeMutableBufferPointer { pooled in
                                    features.withUnsafeMutableBufferPointer { features in
                                        logits.withUnsafeMutableBufferPointer { logits in
                                            body(Buffers(
                                                input: input.baseAddress!, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!,
                                                d: d.baseAddress!, scratch: scratch.baseAddress!, pooled: pooled.baseAddress!,
                                                features: features.baseAddress!, logits: wantsLogits ? logits.baseAddress : nil))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension WeightTable {
    /// Takes `key` and checks its shape; nil (recorded as missing) when absent.
    mutating func expect(_ key: String, _ shape: [Int]) throws -> Tensor? {
        guard let tensor = try take(key) else { return nil }
        guard tensor.shape == shape else { throw ModelError.shapeMismatch(key: key, expected: shape, actual: tensor.shape) }
        return tensor
    }
}
