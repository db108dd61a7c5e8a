import MLMSystem
/// Writes a directory of shards (`shard-00000.mlmb.zst`, `shard-00001.mlmb.zst`, …), starting a new shard when
/// the next record would take the current one past ``maxRawBytesPerShard`` decompressed bytes.
///
/// A record larger than the limit goes alone into its own shard. No empty shard is ever written. The manifest
/// is not written here: build it from ``finish()``'s summaries and write it with ``ManifestFile``.
///
/// ```swift
/// let writer = try ShardSetWriter(directory: "out")
/// for batch in batches { try writer.append(frame: batch.frame, rawSize: batch.rawSize, sequences: batch.rows) }
/// let shards = try writer.finish()
/// ```
public final class ShardSetWriter: FrameSink {
    /// The default limit: 64 MiB of decompressed records per shard.
    public static let defaultMaxRawBytesPerShard = 64 << 20

    /// The output directory.
    public let directory: String
    /// The most decompressed bytes a shard holds, unless one record alone is larger.
    public let maxRawBytesPerShard: Int
    /// The shards finished so far, in order.
    public private(set) var completedShards: [ShardSummary] = []

    private var nextShardIndex: Int
    private var current: ShardWriter?
    private var finished = false

    /// Creates the writer, creating `directory` (and its parents) if needed. No file is created until the first
    /// record arrives.
    /// - Parameters:
    ///   - directory: The output directory.
    ///   - maxRawBytesPerShard: The roll-over threshold in decompressed bytes (default 64 MiB).
    ///   - firstShardIndex: The number of the first shard, for resuming a run that already wrote some.
    /// - Throws: ``ShardError`` (`io`) when the directory cannot be created.
    public init(
        directory: String,
        maxRawBytesPerShard: Int = ShardSetWriter.defaultMaxRawBytesPerShard,
        firstShardIndex: Int = 0
    ) throws(ShardError) {
        precondition(maxRawBytesPerShard > 0, "maxRawBytesPerShard must be positive, got \(maxRawBytesPerShard)")
        precondition(firstShardIndex >= 0, "firstShardIndex must not be negative, got \(firstShardIndex)")
        try POSIX.makeDirectories(directory)
        self.directory = directory
        self.maxRawBytesPerShard = maxRawBytesPerShard
        self.nextShardIndex = firstShardIndex
    }

    /// The file name of shard number `index`: `shard-` and five or more digits, then `.mlmb.zst`.
    /// - Parameter index: The shard number.
    /// - Returns: For example `shard-00007.mlmb.zst`.
    public static func fileName(forShard index: Int) -> String {
        let digits = String(index)
        return "shard-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".mlmb.zst"
    }

    /// Appends one frame, first finishing the current shard if the record would take it past the limit.
    /// - Parameters:
    ///   - frame: Exactly one complete zstd frame.
    ///   - rawSize: The record's decompressed size.
    ///   - sequences: The number of sequences in the record.
    /// - Throws: ``ShardError``.
    public func append(frame: [UInt8], rawSize: Int, sequences: Int) throws(ShardError) {
        precondition(!finished, "ShardSetWriter.append called after finish()")
        if let writer = current, writer.records > 0, writer.rawBytes + rawSize > maxRawBytesPerShard {
            current = nil
            completedShards.append(try writer.finish())
        }
        let writer: ShardWriter
        if let current {
            writer = current
        } else {
            writer = try ShardWriter(directory: directory, name: Self.fileName(forShard: nextShardIndex))
            nextShardIndex += 1
            current = writer
        }
        try writer.append(frame: frame, rawSize: rawSize, sequences: sequences)
    }

    /// Finishes the last shard.
    /// - Returns: All shards written, in order.
    /// - Throws: ``ShardError``.
    public func finish() throws(ShardError) -> [ShardSummary] {
        precondition(!finished, "ShardSetWriter.finish called twice")
        finished = true
        if let writer = current {
            current = nil
            completedShards.append(try writer.finish())
        }
        return completedShards
    }

    /// Gives up: deletes the unfinished shard's temporary file. Finished shards stay.
    public func abandon() {
        current?.abandon()
        current = nil
        finished = true
    }
}
