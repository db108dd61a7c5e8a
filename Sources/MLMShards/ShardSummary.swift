import MLMCore
/// What one finished shard file holds, as listed in `manifest.json`.
///
/// ```swift
/// let summaries = try writer.finish()
/// let shards = JSONValue.array(summaries.map(\.jsonValue))
/// ```
public struct ShardSummary: Sendable, Hashable {
    /// The file name, relative to the shard directory (for example `shard-00000.mlmb.zst`).
    public var file: String
    /// The number of records (frames) in the file.
    public var records: Int
    /// The number of sequences in those records, as reported by the caller.
    public var sequences: Int
    /// The size of the file in bytes: frames plus seek table.
    public var compressedBytes: Int
    /// The total decompressed size of the records.
    public var rawBytes: Int
    /// The SHA-256 of the whole file, as 64 lowercase hex digits.
    public var sha256: String

    /// Creates a summary.
    /// - Parameters:
    ///   - file: The file name relative to the shard directory.
    ///   - records: The number of records.
    ///   - sequences: The number of sequences.
    ///   - compressedBytes: The file size.
    ///   - rawBytes: The decompressed size of the records.
    ///   - sha256: The file's SHA-256 in hex.
    public init(file: String, records: Int, sequences: Int, compressedBytes: Int, rawBytes: Int, sha256: String) {
        self.file = file
        self.records = records
        self.sequences = sequences
        self.compressedBytes = compressedBytes
        self.rawBytes = rawBytes
        self.sha256 = sha256
    }

    /// The manifest entry: `{"file", "records", "sequences", "compressed_bytes", "raw_bytes", "sha256"}` in that
    /// order.
    public var jsonValue: JSONValue {
        [
            "file": .string(file),
            "records": .int(records),
            "sequences": .int(sequences),
            "compressed_bytes": .int(compressedBytes),
            "raw_bytes": .int(rawBytes),
            "sha256": .string(sha256),
        ]
    }

    /// Reads a manifest entry written by ``jsonValue``.
    /// - Parameter json: The entry.
    /// - Throws: ``ShardError`` (`invalidJSON`) naming the missing or mistyped field.
    public init(jsonValue json: JSONValue) throws(ShardError) {
        func field<T>(_ key: String, _ extract: (JSONValue) -> T?) throws(ShardError) -> T {
            guard let value = json[key], let result = extract(value) else {
                throw ShardError(.invalidJSON, "a shard entry in the manifest lacks a valid '\(key)'")
            }
            return result
        }
        self.init(
            file: try field("file", \.stringValue),
            records: try field("records", \.intValue),
            sequences: try field("sequences", \.intValue),
            compressedBytes: try field("compressed_bytes", \.intValue),
            rawBytes: try field("raw_bytes", \.intValue),
            sha256: try field("sha256", \.stringValue)
        )
    }
}
