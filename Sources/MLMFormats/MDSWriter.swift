import MLMSystem
import MLMCore
import MLMShards
import MLMZstd

/// Writes a MosaicML Streaming MDS dataset: shards `shard.00000.mds[.zstd]` and `index.json`, byte for byte as
/// `streaming.MDSWriter` writes them for the same samples and settings (`streaming/base/format/mds/writer.py`,
/// `base/writer.py`; research/formats.md §1).
///
/// Columns are sorted by name. A shard starts full at its header (`4 + 4 + len(config)`) and grows by
/// `len(sample) + 4` per sample; when the next sample would take it past `sizeLimit`, the shard is written first
/// (Streaming's rule, including its quirk that a sample larger than the limit alone flushes an empty shard). So a
/// shard's raw size never exceeds the limit unless one sample does. Each compressed shard is one zstd frame with
/// its content size and no checksum (what `zstd.compress(data, level)` writes, and what Streaming's decoder needs).
///
/// ```swift
/// let writer = try MDSWriter(directory: "out", columns: [try .ndarray(name: "input_ids", dtype: .int32, shape: [8])])
/// try writer.write([ids.bytes])
/// try writer.finish()   // index.json, written last
/// ```
public final class MDSWriter {
    /// The default size limit, Streaming's: 64 MiB (`1 << 26`).
    public static let defaultSizeLimit = 1 << 26

    /// The output directory.
    public let directory: String
    /// The columns, sorted by name.
    public let columns: [MDSColumn]
    /// The compression, or `nil` for raw shards.
    public let compression: MDSCompression?
    /// The hashes recorded per file.
    public let hashes: [MDSHashAlgorithm]
    /// The largest raw shard (`nil`: everything in one shard).
    public let sizeLimit: Int?

    let config: JSONValue
    let configBytes: [UInt8]
    let compressor: ZstdCompressor?
    /// The current shard's samples, back to back, and their sizes.
    var sampleBytes: [UInt8] = []
    var sampleSizes: [Int] = []
    /// The current shard's raw size so far (Streaming's `new_shard_size`).
    var shardSize: Int
    /// The index entries of the shards written.
    var shards: [JSONValue] = []
    /// Samples written so far.
    public private(set) var sampleCount = 0

    /// Creates the writer (the directory must exist).
    /// - Parameters:
    ///   - directory: Where shards and `index.json` go.
    ///   - columns: The columns, in any order.
    ///   - compression: `.default` (`zstd`), another level, or `nil`.
    ///   - hashes: Hashes to record (sorted here).
    ///   - sizeLimit: Largest raw shard; `nil` or 0 for no limit; below 2^32.
    /// - Throws: ``MLMShards/ShardError`` (`invalidArgument`) for a bad limit or duplicate column names.
    public init(
        directory: String, columns: [MDSColumn], compression: MDSCompression? = .default,
        hashes: [MDSHashAlgorithm] = [], sizeLimit: Int? = MDSWriter.defaultSizeLimit
    ) throws(ShardError) {
        let limit = sizeLimit == 0 ? nil : sizeLimit
        if let limit, limit < 0 || limit >= 1 << 32 {
            throw ShardError(.invalidArgument, "the MDS size limit must be between 1 and 2^32 - 1 bytes, got \(limit)")
        }
        let sorted = columns.sorted { $0.name < $1.name }
        if Set(sorted.map(\.name)).count != sorted.count {
            throw ShardError(.invalidArgument, "MDS column names must be unique: \(sorted.map(\.name))")
        }
        self.directory = directory
        self.columns = sorted
        self.compression = compression
        self.hashes = Array(Set(hashes)).sorted()
        self.sizeLimit = limit
        config = [
            "version": 2, "format": "mds", "compression": compression.map { .string($0.name) } ?? .null,
            "hashes": .array(self.hashes.map { .string($0.rawValue) }), "size_limit": limit.map { .int($0) } ?? .null,
            "column_names": .array(sorted.map { .string($0.name) }),
            "column_encodings": .array(sorted.map { .string($0.encoding) }),
            "column_sizes": .array(sorted.map { $0.size.map { .int($0) } ?? .null }),
        ]
        configBytes = Array(config.pythonDumps().utf8)
        do {
            compressor = try compression.map { try ZstdCompressor(level: $0.level, checksum: false) }
        } catch {
            throw ShardError(.io, "cannot set up zstd: \(error)", path: directory, underlying: error)
        }
        shardSize = 8 + configBytes.count
    }

    /// Writes one sample given one encoded value per column, in ``columns`` order.
    /// - Parameter values: The values' bytes; fixed-size columns must have exactly their size.
    /// - Throws: ``MLMShards/ShardError`` for a wrong count or size, or an I/O failure writing a shard.
    public func write(_ values: [[UInt8]]) throws(ShardError) {
        guard values.count == columns.count else {
            throw ShardError(.invalidTensor, "an MDS sample needs \(columns.count) values, got \(values.count)")
        }
        var head: [UInt8] = []
        for (column, value) in zip(columns, values) {
            if let size = column.size {
                guard value.count == size else {
                    throw ShardError(
                        .invalidTensor, "column \(column.name) (\(column.encoding)) needs \(size) bytes, got \(value.count)")
                }
            } else {
                withUnsafeBytes(of: UInt32(value.count).littleEndian) { head.append(contentsOf: $0) }
            }
        }
        try write(encodedSample: head + values.joined())
    }

    /// Writes one sample already encoded (sizes of the variable columns, then every value, in column order).
    /// - Parameter encodedSample: The sample's bytes.
    /// - Throws: ``MLMShards/ShardError`` (`io`) when a finished shard cannot be written.
    public func write(encodedSample: [UInt8]) throws(ShardError) {
        let size = encodedSample.count + 4
        if let sizeLimit, sizeLimit < shardSize + size { try flushShard() }
        sampleBytes.append(contentsOf: encodedSample)
        sampleSizes.append(encodedSample.count)
        shardSize += size
        sampleCount += 1
    }

    /// Writes the last shard (if it holds samples) and then `index.json`.
    /// - Returns: The number of shards.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    @discardableResult
    public func finish() throws(ShardError) -> Int {
        if !sampleSizes.isEmpty { try flushShard() }
        let index: JSONValue = ["version": 2, "shards": .array(shards)]
        let bytes = Array(index.pythonDumps().utf8)
        try ShardError.mapping { () throws(SystemError) in try AtomicFile.write(bytes, to: path(MDSWriter.indexFileName)) }
        return shards.count
    }

    /// The index file's name.
    public static let indexFileName = "index.json"

    /// The name of shard `index`: `shard.00007.mds`, plus `.zstd` when compressed.
    /// - Parameters:
    ///   - index: The shard number.
    ///   - compression: The compression.
    /// - Returns: The raw name and the compressed name (`nil` without compression).
    public static func shardNames(_ index: Int, compression: MDSCompression?) -> (raw: String, zip: String?) {
        let digits = String(index)
        let raw = "shard." + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".mds"
        return (raw, compression.map { raw + "." + $0.fileExtension })
    }

    func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
