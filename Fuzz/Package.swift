// swift-tools-version:6.0
// Fuzz: libFuzzer harnesses for the Formats parsers. Separate from the main package so that nothing there depends on
// fuzzing. Sources/{COpenBLAS,Tensor,Formats} are symlinks to the real modules. Run with ./run.sh.
import PackageDescription

let package = Package(
    name: "VigilFuzz",
    dependencies: [.package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0")],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas"),
        .target(name: "Tensor", dependencies: ["COpenBLAS"]),
        .target(name: "Formats", dependencies: ["Tensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Proto/youtube8m_example.proto"]),
        .executableTarget(name: "FuzzTargets", dependencies: ["Formats"], path: "Harnesses",
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
