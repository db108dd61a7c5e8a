// swift-tools-version:6.0
import PackageDescription

/// Bounds and exclusivity checks stay on everywhere except in the tokenizer's and the PMI counters' hot loops, where
/// benchmarks show they cost (tokenize 1.6–2×; pmi +11% instructions, 11.2× → 9.1× against its baseline; docs/design.md
/// §7). Elsewhere an out-of-bounds bug traps instead of silently damaging memory.
let checkedSettings: [SwiftSetting] = []
let uncheckedSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "mlmprep",
    // Linux (Debian) is the platform that is built and tested; the sources keep Darwin imports beside Glibc ones,
    // but no macOS build is promised.
    products: [
        .executable(name: "mlmprep", targets: ["mlmprep"]),
        .library(
            name: "MLMPrepKit",
            targets: [
                "MLMCore", "MLMSystem", "MLMZstd", "MLMUnicode", "MLMReaders", "MLMTokenizer", "MLMShards", "MLMPacking",
                "MLMMasking", "MLMOrder", "MLMPMI", "MLMVocab", "MLMFormats", "MLMPipeline",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // MARK: - C libraries and shims
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CICU", pkgConfig: "icu-uc", providers: [.apt(["libicu-dev"])]),
        .target(name: "CICUShim", dependencies: ["CICU"]),
        .target(name: "CMemory"),
        .target(name: "CSHA256"),
        .target(name: "CSignals"),

        // MARK: - Foundations: value types, system calls, wrappers of the C libraries
        .target(name: "MLMCore", dependencies: ["CSHA256"], swiftSettings: checkedSettings),
        .target(name: "MLMSystem", dependencies: ["MLMCore", "CSignals"], swiftSettings: checkedSettings),
        .target(name: "MLMZstd", dependencies: ["CZstd"], swiftSettings: checkedSettings),
        .target(name: "MLMUnicode", dependencies: ["CICUShim"], swiftSettings: checkedSettings),

        // MARK: - Pipeline stages (each depends only on the foundations)
        .target(name: "MLMReaders", dependencies: ["MLMCore", "MLMSystem", "MLMZstd"], swiftSettings: checkedSettings),
        .target(name: "MLMTokenizer", dependencies: ["MLMCore"], swiftSettings: uncheckedSettings),
        .target(name: "MLMShards", dependencies: ["MLMCore", "MLMSystem", "MLMZstd"], swiftSettings: checkedSettings),
        .target(name: "MLMPacking", dependencies: ["MLMCore"], swiftSettings: checkedSettings),
        .target(name: "MLMMasking", dependencies: ["MLMCore"], swiftSettings: checkedSettings),
        .target(name: "MLMOrder", dependencies: ["MLMCore"], swiftSettings: checkedSettings),
        .target(name: "MLMVocab", dependencies: ["MLMCore", "MLMTokenizer"], swiftSettings: checkedSettings),
        .target(name: "MLMFormats", dependencies: ["MLMCore", "MLMSystem", "MLMZstd", "MLMShards"], swiftSettings: checkedSettings),
        .target(name: "MLMPMI", dependencies: ["MLMCore", "MLMSystem", "MLMZstd", "CMemory"], swiftSettings: uncheckedSettings),

        // MARK: - Jobs: the stages joined into runs (tokenize, mask, PMI, verify)
        .target(
            name: "MLMPipeline",
            dependencies: [
                "MLMCore", "MLMSystem", "MLMZstd", "MLMUnicode", "MLMReaders", "MLMTokenizer", "MLMShards", "MLMPacking",
                "MLMMasking", "MLMPMI", "MLMVocab", "MLMFormats", "MLMOrder",
            ],
            swiftSettings: checkedSettings
        ),

        // MARK: - Command line
        .executableTarget(
            name: "mlmprep",
            dependencies: [
                "MLMPipeline", "MLMCore", "MLMSystem", "MLMReaders", "MLMTokenizer", "MLMShards", "MLMPacking", "MLMMasking",
                "MLMPMI", "MLMVocab", "MLMFormats", "MLMOrder", "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: checkedSettings
        ),

        // MARK: - Benchmarks (tools/bench)
        .executableTarget(
            name: "mlmprep-order-bench", dependencies: ["MLMOrder"], path: "tools/bench/order-bench",
            swiftSettings: checkedSettings
        ),

        // MARK: - Tests
        .target(name: "MLMTestSupport", dependencies: ["MLMCore"], path: "Tests/MLMTestSupport"),
        .testTarget(name: "MLMZstdTests", dependencies: ["MLMZstd", "MLMCore"]),
        .testTarget(name: "MLMReadersTests", dependencies: ["MLMReaders", "MLMCore", "MLMZstd", "MLMTestSupport"]),
        .testTarget(name: "MLMTokenizerTests", dependencies: ["MLMTokenizer", "MLMTestSupport"]),
        .testTarget(name: "MLMMaskingTests", dependencies: ["MLMMasking", "MLMCore"]),
        .testTarget(name: "MLMShardsTests", dependencies: ["MLMShards", "MLMCore", "MLMZstd", "MLMTestSupport"]),
        .testTarget(name: "MLMPMITests", dependencies: ["MLMPMI", "MLMCore", "MLMTestSupport"]),
        .testTarget(name: "MLMPackingTests", dependencies: ["MLMPacking", "MLMCore"]),
        .testTarget(name: "MLMOrderTests", dependencies: ["MLMOrder", "MLMCore"]),
        .testTarget(name: "MLMFormatsTests", dependencies: ["MLMFormats", "MLMShards", "MLMCore", "MLMSystem", "MLMTestSupport"]),
        .testTarget(
            name: "MLMVocabTests", dependencies: ["MLMVocab", "MLMPipeline", "MLMReaders", "MLMTokenizer", "MLMTestSupport"]),
        .testTarget(
            name: "MLMPrepTests",
            dependencies: [
                "MLMPipeline", "MLMCore", "MLMSystem", "MLMReaders", "MLMShards", "MLMTokenizer", "MLMPacking", "MLMMasking",
                "MLMPMI", "MLMTestSupport",
            ]),
    ]
)
