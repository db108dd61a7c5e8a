import ArgumentParser
import MLMCore
import MLMPipeline

/// Checks, before anything is allocated or opened, that sizes given on the command line neither overflow nor
/// imply more memory than the process may use: a usage error (exit 2) naming the flags, never a crash later.
enum ResourceChecks {
    /// The largest `--max-shard-mb`: 1 TiB (larger values would overflow when turned into bytes).
    static let maximumShardMB = 1 << 20
    /// The most copies per sequence (k = ⌈P/C⌉ when `--predict-rate` P exceeds `--corrupt-rate` C): Wettig et al.
    /// use k ≤ 8; k in the thousands multiplies the output and the run time as much.
    static let maximumCopies = 100
    /// The largest `--chunk-bytes`.
    static let maximumChunkBytes = 1 << 30

    /// `--max-shard-mb` within range.
    static func checkShardSize(_ megabytes: Int) throws {
        if megabytes > maximumShardMB {
            throw ValidationError("--max-shard-mb must be at most \(maximumShardMB) (1 TiB), got \(megabytes)")
        }
    }

    /// The memory a tokenize run's sizes imply fits in the budget.
    static func checkTokenize(_ settings: TokenizeJobSettings) throws {
        if settings.reader.targetChunkBytes > maximumChunkBytes {
            throw ValidationError(
                "--chunk-bytes must be at most \(maximumChunkBytes), got \(settings.reader.targetChunkBytes)")
        }
        let budget = MemoryBudget.current(threads: settings.threads)
        let what = "--max-line-bytes \(settings.reader.maxLineBytes) with \(settings.threads) thread(s)"
        if let message = budget.shortfall(
            settings.estimatedMemory(), for: what, fix: "lower --max-line-bytes (lines longer are skipped) or --threads")
        {
            throw ValidationError(message)
        }
    }

    /// The epochs fit in 64 bits and the memory a mask run's sizes imply fits in the budget.
    static func checkMask(_ settings: MaskJobSettings) throws {
        if settings.epochs > 1 && settings.epoch > UInt64.max - UInt64(settings.epochs - 1) {
            throw ValidationError(
                "--epoch \(settings.epoch) with --epochs \(settings.epochs) goes past the last epoch \(UInt64.max); "
                    + "give a smaller --epoch")
        }
        let copies = settings.masking.copies
        if copies > maximumCopies {
            throw ValidationError(
                "--predict-rate \(settings.masking.predictRate) with --corrupt-rate \(settings.masking.corruptRate) "
                    + "writes every sequence ⌈P/C⌉ = \(copies) times (the output and the time grow as much); at most "
                    + "\(maximumCopies) copies are allowed: bring the two rates closer")
        }
        let budget = MemoryBudget.current(threads: settings.threads)
        if let message = budget.shortfall(
            settings.estimatedMemory(threads: settings.threads),
            for: settings.memorySettingsDescription(threads: settings.threads),
            fix: "lower --batch-size or --seq-len, bring --predict-rate and --corrupt-rate closer, or use fewer --threads")
        {
            throw ValidationError(message)
        }
    }

    /// `--memory-limit` fits in the budget: an explicit value larger than it is refused; the default (3G) is lowered
    /// to three quarters of it (the table does not depend on the limit: spilling is exact).
    /// - Parameters:
    ///   - limit: The limit in bytes.
    ///   - explicit: Whether the user gave it.
    ///   - threads: Worker threads.
    /// - Returns: The limit to use.
    static func pmiMemoryLimit(_ limit: Int, explicit: Bool, threads: Int) throws -> Int {
        let budget = MemoryBudget.current(threads: threads)
        guard limit > budget.bytes else { return limit }
        if !explicit { return max(budget.bytes / 4 * 3, 128 << 20) }
        throw ValidationError(
            "--memory-limit \(MemoryBudget.format(limit)) is more than the \(MemoryBudget.format(budget.bytes)) this "
                + "process may use (\(budget.source)); give a smaller --memory-limit (tables that outgrow it spill to disk)")
    }
}
