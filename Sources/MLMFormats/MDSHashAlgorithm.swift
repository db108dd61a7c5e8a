import MLMCore
import Foundation
import MLMShards

/// A hash MosaicML Streaming can check a shard file against (`StreamingDataset(validate_hash=…)`), written as a
/// hex digest under its name in the index's `raw_data`/`zip_data` `hashes`.
///
/// ```swift
/// let hashes = try MDSHashAlgorithm.parseList("xxh64,sha1")   // [.sha1, .xxh64]: sorted, as Streaming requires
/// ```
public enum MDSHashAlgorithm: String, Sendable, Hashable, CaseIterable, Comparable {
    /// SHA-1 (`hashlib.sha1`).
    case sha1
    /// SHA-256 (`hashlib.sha256`).
    case sha256
    /// xxHash64 (`xxhash.xxh64`).
    case xxh64

    /// The hex digest of `bytes`, as Python's `hexdigest()` gives it.
    /// - Parameter bytes: A whole shard file.
    /// - Returns: The digest.
    public func hexDigest(_ bytes: [UInt8]) -> String {
        switch self {
        case .sha1: SHA1.hexDigest(bytes)
        case .sha256: SHA256.hash(bytes).hexDigest
        case .xxh64: XXH64.hexDigest(bytes)
        }
    }

    /// Orders by name, as Streaming's index lists hashes.
    public static func < (lhs: MDSHashAlgorithm, rhs: MDSHashAlgorithm) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a comma-separated list (empty for none), sorted by name without repeats.
    /// - Parameter text: For example `sha1,xxh64`.
    /// - Returns: The algorithms, sorted.
    /// - Throws: ``MLMShards/ShardError`` (`invalidArgument`) naming an unknown algorithm.
    public static func parseList(_ text: String) throws(ShardError) -> [MDSHashAlgorithm] {
        var result = Set<MDSHashAlgorithm>()
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let algorithm = MDSHashAlgorithm(rawValue: name) else {
                throw ShardError(
                    .invalidArgument,
                    "unknown MDS hash \(name): mlmprep writes \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            result.insert(algorithm)
        }
        return result.sorted()
    }
}
