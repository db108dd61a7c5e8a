// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "mlmprep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mlmprep", targets: ["mlmprep"]),
        .library(name: "MLMPrepKit", targets: ["MLMCore", "MLMReaders", "MLMTokenizer", "MLMShards", "MLMZstd", "MLMOrder", "MLMPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // MARK: - C libraries
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CICU", pkgConfig: "icu-uc", providers: [.apt(["libicu-dev"])]),

        // MARK: - Wrappers
        .target(name: "MLMZstd", dependencies: ["CZstd"], swiftSettings: swiftSettings),
        .target(name: "CICUShim", dependencies: ["CICU"]),
        .target(name: "CMemory"),
        .target(name: "CSHA256"),
        .target(name: "MLMUnicode", dependencies: ["CICUShim"], swiftSettings: swiftSettings),

        // MARK: - Pipeline stages
        .target(name: "MLMCore", swiftSettings: swiftSettings),
        .target(name: "MLMReaders", dependencies: ["MLMCore", "MLMZstd"], swiftSettings: swiftSettings),
        .target(name: "MLMTokenizer", dependencies: ["MLMCore"], swiftSettings: swiftSettings),
        .target(name: "MLMShards", dependencies: ["MLMCore", "MLMZstd", "CSHA256"], swiftSettings: swiftSettings),
        .target(name: "MLMPacking", dependencies: ["MLMCore"], swiftSettings: swiftSettings),
        .target(name: "MLMMasking", dependencies: ["MLMCore"], swiftSettings: swiftSettings),
        .target(name: "MLMOrder", dependencies: ["MLMCore"], swiftSettings: swiftSettings),
        .target(
            name: "MLMPMI",
            dependencies: ["MLMCore", "MLMZstd", "MLMShards", "MLMTokenizer", "MLMMasking", "CMemory"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MLMPipeline",
            dependencies: ["MLMCore", "MLMReaders", "MLMTokenizer", "MLMShards", "MLMUnicode", "MLMPacking", "MLMMasking", "MLMPMI", "MLMOrder"],
            swiftSettings: swiftSettings
        ),

        // MARK: - Command line
        .executableTarget(
            name: "mlmprep",
            dependencies: [
                "MLMPipeline", "MLMReaders", "MLMTokenizer", "MLMShards", "MLMPacking", "MLMMasking", "MLMPMI", "MLMOrder", "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Benchmarks (tools/bench)
        .executableTarget(
            name: "mlmprep-order-bench", dependencies: ["MLMOrder"], path: "tools/bench/order-bench",
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .target(name: "MLMTestSupport", dependencies: ["MLMCore"], path: "Tests/MLMTestSupport"),
        .testTarget(name: "MLMZstdTests", dependencies: ["MLMZstd", "MLMCore"]),
        .testTarget(name: "MLMReadersTests", dependencies: ["MLMReaders", "MLMZstd", "MLMTestSupport"]),
        .testTarget(name: "MLMTokenizerTests", dependencies: ["MLMTokenizer", "MLMTestSupport"]),
        .testTarget(name: "MLMMaskingTests", dependencies: ["MLMMasking", "MLMCore"]),
        .testTarget(name: "MLMShardsTests", dependencies: ["MLMShards", "MLMTestSupport"]),
        .testTarget(name: "MLMPMITests", dependencies: ["MLMPMI", "MLMMasking", "MLMTokenizer", "MLMCore", "MLMTestSupport"]),
        .testTarget(name: "MLMPackingTests", dependencies: ["MLMPacking", "MLMCore"]),
        .testTarget(name: "MLMOrderTests", dependencies: ["MLMOrder", "MLMCore"]),
        .testTarget(name: "MLMPrepTests", dependencies: ["MLMPipeline", "MLMReaders", "MLMShards", "MLMTokenizer", "MLMTestSupport"]),
    ]
)
