// swift-tools-version:6.0
// libFuzzer harnesses for mlmprep's readers, tokenizer and shard reader: one executable per harness.
// Build and run them with tools/fuzz/run.sh (it passes -sanitize=fuzzer,address; see README.md, "Fuzzing").
import PackageDescription

let harness: [Target.Dependency] = [
    "FuzzSupport",
    .product(name: "MLMPrepKit", package: "mlmprep"),
]

let package = Package(
    name: "mlmprep-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "mlmprep", path: "../..")
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", .product(name: "MLMPrepKit", package: "mlmprep")]),
        .executableTarget(name: "fuzz-text", dependencies: harness),
        .executableTarget(name: "fuzz-jsonl", dependencies: harness),
        .executableTarget(name: "fuzz-tokenizer", dependencies: harness),
        .executableTarget(name: "fuzz-shards", dependencies: harness),
        .executableTarget(name: "fuzz-zstd", dependencies: harness),
    ]
)
