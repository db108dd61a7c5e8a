import Foundation
import MLMShards
import MLMZstd
import Testing

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = NSTemporaryDirectory()
        path = (base as NSString).appendingPathComponent("mlmshards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A deterministic byte generator for test data (SplitMix64).
struct TestBytes {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    mutating func below(_ bound: UInt64) -> UInt64 {
        next() % bound
    }
}

/// Compresses a record the way the pipeline will (level 3, checksum, content size).
func compressedFrame(_ record: [UInt8]) throws -> [UInt8] {
    try ZstdCompressor(level: 3).compressFrame(record)
}

/// A small safetensors record whose content depends on `index`, `rows` sequences of 8 tokens.
func sampleRecord(index: Int, rows: Int = 2, length: Int = 8) throws -> [UInt8] {
    let count = rows * length
    let ids = try Tensor(name: "input_ids", shape: [rows, length], values: (0..<count).map { Int32($0 * 7 + index) })
    let mask = try Tensor(name: "attention_mask", shape: [rows, length], values: [UInt8](repeating: 1, count: count))
    return SafetensorsRecord.encode([ids, mask], metadata: ["batch": String(index)])
}

/// Finds the Python interpreter for reference checks: `$MLMPREP_PYTHON`, then `<package>/.venv/bin/python`, then
/// `/tmp/venv0/bin/python`. Returns `nil` (after recording an issue) when none exists.
func referencePython(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var candidates: [String] = []
    if let configured = ProcessInfo.processInfo.environment["MLMPREP_PYTHON"], !configured.isEmpty {
        candidates.append(configured)
    }
    candidates.append(packageRoot.appendingPathComponent(".venv/bin/python").path)
    candidates.append("/tmp/venv0/bin/python")
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    Issue.record(
        "no Python with safetensors/numpy found (tried \(candidates.joined(separator: ", "))); set MLMPREP_PYTHON or run tools/setup.sh",
        sourceLocation: sourceLocation
    )
    return nil
}

/// Runs `python -c script args…` and returns its standard output; records an issue when it fails.
func runPython(_ python: String, _ script: String, _ arguments: [String] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus != 0 {
        Issue.record("python failed (\(process.terminationStatus)): \(String(decoding: errorData, as: UTF8.self))")
    }
    return String(decoding: data, as: UTF8.self)
}

/// Reads a whole file.
func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Writes a whole file.
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
