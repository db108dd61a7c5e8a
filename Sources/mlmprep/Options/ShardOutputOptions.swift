import ArgumentParser
import MLMPipeline
import MLMShards
import MLMZstd

/// Where a command writes its shards and how: `-o`, `--overwrite`, `--resume`, `--level`, `--max-shard-mb`
/// (shared by `tokenize` and `mask`; the defaults are the library's).
struct ShardOutputOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The directory to write.", valueName: "dir"))
    var output: String?

    @Flag(help: "Replace an earlier run of mlmprep in the output directory.")
    var overwrite = false

    @Flag(
        help: ArgumentHelp(
            "Continue an interrupted run in the output directory (same command and settings); the result is "
                + "byte-identical to an uninterrupted run. Starts a new run when there is none."))
    var resume = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "zstd level of the records (default \(ZstdCompressor.defaultLevel)).",
            valueName: "\(ZstdCompressor.levelRange.lowerBound)-\(ZstdCompressor.levelRange.upperBound)"))
    var level: Int32 = ZstdCompressor.defaultLevel

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Largest uncompressed shard, in MiB (default \(ShardSetWriter.defaultMaxRawBytesPerShard >> 20)).",
            valueName: "n"))
    var maxShardMB = ShardSetWriter.defaultMaxRawBytesPerShard >> 20

    @Option(help: ArgumentHelp("Largest uncompressed shard in bytes (overrides --max-shard-mb; for tests).", visibility: .hidden))
    var maxShardBytes: Int?

    func validate() throws {
        if !ZstdCompressor.levelRange.contains(level) {
            throw ValidationError(
                "--level must be between \(ZstdCompressor.levelRange.lowerBound) and "
                    + "\(ZstdCompressor.levelRange.upperBound) (got \(level))")
        }
        if maxShardMB < 1 { throw ValidationError("--max-shard-mb must be at least 1 (got \(maxShardMB))") }
        try ResourceChecks.checkShardSize(maxShardMB)
        if let maxShardBytes, maxShardBytes < 1 {
            throw ValidationError("--max-shard-bytes must be at least 1 (got \(maxShardBytes))")
        }
        if resume && overwrite { throw ValidationError("give --resume or --overwrite, not both") }
    }

    /// The largest uncompressed shard in bytes.
    var resolvedMaxShardBytes: Int { maxShardBytes ?? maxShardMB << 20 }
}

/// The tokenized store a command reads (`mask`, `pmi`, `pmi count`).
struct StoreArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The tokenized store (from mlmprep tokenize).", valueName: "store"))
    var store: String
}

extension ShardOutputOptions {
    /// Copies these options into a job's settings.
    func apply<Settings: ShardOutputSettings>(to settings: inout Settings) {
        settings.compressionLevel = level
        settings.maxShardBytes = resolvedMaxShardBytes
        settings.overwrite = overwrite
        settings.resume = resume
    }
}
