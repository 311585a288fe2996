// swift-tools-version:6.0
// Vigil: watches video with FFmpeg, classifies it with PaddleVideo's attention models on OpenBLAS.
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vigil", targets: ["vigil"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // MARK: C libraries (the only places C types live)
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Hand-written kernels in C (AVX-512 / AVX2 variants chosen at run time); only Tensor imports it.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // MARK: Stages (data flows down this list, never back up)
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CKernels"]),
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        .target(name: "Features", dependencies: ["Media", "Models", "Formats", "Tensor"]),
        .target(name: "Models", dependencies: ["Tensor"]),

        // MARK: Beside the stages
        .target(name: "Formats", dependencies: ["Tensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "Training", dependencies: ["Models", "Formats", "Tensor"]),
        .target(name: "Stream", dependencies: ["Models", "Tensor", .product(name: "Collections", package: "swift-collections")]),
        .target(name: "Pipeline", dependencies: [
            "Media", "Features", "Models", "Formats", "Stream", "Training", "Tensor",
            "Sinks", "Monitor",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .target(name: "Sinks", dependencies: ["Stream", "CMosquitto", "CCurl"]),
        .target(name: "Monitor", dependencies: [
            "Stream",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: Many machines (NATS JetStream; the only importer of the NATS C client)
        .target(name: "Cluster", dependencies: ["CNATS", "Pipeline", "Stream", "Tensor"]),

        // MARK: Program
        .executableTarget(name: "vigil", dependencies: [
            "Cluster", "Pipeline", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Benchmarks (release builds, run by tools/bench_*.py against PaddlePaddle)
        .executableTarget(name: "bench-models", dependencies: ["Models", "Tensor"], path: "Benchmarks/models"),
        .executableTarget(name: "bench-efficientnet", dependencies: ["Features", "Tensor"], path: "Benchmarks/efficientnet"),
        .executableTarget(name: "bench-training", dependencies: ["Training", "Models", "Tensor"], path: "Benchmarks/training"),
        .executableTarget(name: "bench-cluster", dependencies: ["Cluster", "Stream", "Models"], path: "Benchmarks/cluster/stream"),

        // MARK: Tests (one per library module, plus the built binary)
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "MediaTests", dependencies: ["Media"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Media", "Models", "Formats", "Tensor"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Formats", "Tensor"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Tensor"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Models", "Formats", "Tensor"]),
        .testTarget(name: "StreamTests", dependencies: ["Stream", "Models"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Media", "Features", "Models", "Formats", "Stream", "Tensor"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "Stream"]),
        .testTarget(name: "VigilCLITests", dependencies: ["Sinks", "Stream"]),
    ]
)
