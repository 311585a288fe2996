// swift-tools-version:6.0
// Fuzz: libFuzzer harnesses for every parser that reads outside input, in one executable (FuzzTargets): Formats'
// parsers and the pipeline YAML loader and exec plug-in host's reply parser. Separate from the main package so
// that nothing there depends on fuzzing. Sources/* are symlinks to the real modules, with the main package's
// dependencies. Run with ./run.sh.
import PackageDescription

let package = Package(
    name: "VigilFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat"),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl"),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CKernels"]),
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        .target(name: "Features", dependencies: ["Media", "Models", "Formats", "Tensor"]),
        .target(name: "Models", dependencies: ["Tensor"]),
        .target(name: "Formats", dependencies: ["Tensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Proto/youtube8m_example.proto"]),
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
        .executableTarget(name: "FuzzTargets", dependencies: ["Formats", "Features", "Pipeline"], path: "Harnesses",
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
