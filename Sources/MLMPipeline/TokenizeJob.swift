import Foundation
import MLMCore
import MLMReaders
import MLMShards
import MLMTokenizer
import MLMZstd

/// The settings of one `mlmprep tokenize` run.
public struct TokenizeJobSettings: Sendable {
    /// Input files (`-` is standard input).
    public var inputs: [String]
    /// Reader settings.
    public var reader = ReaderOptions()
    /// The output directory.
    public var output: String
    /// Worker threads.
    public var threads = 1
    /// zstd level of the records.
    public var compressionLevel: Int32 = 3
    /// Largest uncompressed shard size.
    public var maxShardBytes = 64 << 20
    /// What to do with invalid UTF-8.
    public var invalidUTF8 = InvalidUTF8Policy.replace
    /// Where sentence boundaries come from.
    public var sentences = SentenceSource.lines
    /// Replace an existing store.
    public var overwrite = false

    /// Creates settings.
    /// - Parameters:
    ///   - inputs: Input files.
    ///   - output: The store directory.
    public init(inputs: [String], output: String) {
        self.inputs = inputs
        self.output = output
    }
}

/// The result of a tokenize run.
public struct TokenizeJobResult: Sendable {
    /// The run's counts (they add up).
    public var counts: RunCounts
    /// The shards written.
    public var shards: [ShardSummary]
    /// Skip and warning reports, in input order (the first ``TokenizeJob/maxReports``).
    public var reports: [SkipReport]
    /// Reports not kept because there were too many.
    public var reportsDropped: Int
    /// Wall-clock seconds.
    public var seconds: Double
}

/// Streams text into a tokenized store (DESIGN.md §3.3): reads chunks, tokenizes and compresses them on
/// worker threads, writes the records in input order, and writes the manifest last.
public struct TokenizeJob {
    /// How many skip reports are kept for the summary and the manifest.
    public static let maxReports = 1000

    /// The run's settings.
    public let settings: TokenizeJobSettings
    /// The vocabulary.
    public let vocabulary: Vocabulary
    /// The tokenizer settings.
    public let tokenizer: TokenizerSettings
    /// Called with running counts, about every chunk (for progress displays).
    public var progress: ((RunCounts) -> Void)?
    /// Called with each report as it happens, in input order.
    public var report: ((SkipReport) -> Void)?

    /// Creates a job.
    /// - Parameters:
    ///   - settings: The run's settings.
    ///   - vocabulary: The vocabulary.
    ///   - tokenizer: Normalizer flags and word limit.
    public init(settings: TokenizeJobSettings, vocabulary: Vocabulary, tokenizer: TokenizerSettings) {
        self.settings = settings
        self.vocabulary = vocabulary
        self.tokenizer = tokenizer
    }

    /// Runs the job.
    /// - Returns: Counts, shards and reports.
    /// - Throws: ``ReaderError``, ``TokenizerError`` or ``ShardError``: the run stops and writes no manifest.
    public func run() throws -> TokenizeJobResult {
        let start = Date()
        let tables = try BertCharacterTables()
        try OutputDirectory.prepare(settings.output, overwrite: settings.overwrite)
        let writer = try ShardSetWriter(directory: settings.output, maxRawBytesPerShard: settings.maxShardBytes)
        var counts = RunCounts()
        var reports: [SkipReport] = []
        var dropped = 0
        let vocabulary = self.vocabulary
        let tokenizer = self.tokenizer
        let settings = self.settings
        let idType: TensorDType = vocabulary.count <= 65536 ? .uint16 : .uint32

        let map = OrderedParallelMap<DocumentChunk, TokenizedChunk, ChunkTokenizer>(
            threads: settings.threads,
            maxInFlight: settings.threads * 3,
            makeWorker: {
                try ChunkTokenizer(
                    vocabulary: vocabulary, tables: tables, tokenizer: tokenizer, idType: idType,
                    invalidUTF8: settings.invalidUTF8, sentences: settings.sentences,
                    compressionLevel: settings.compressionLevel)
            },
            work: { worker, chunk in try worker.process(chunk) },
            consume: { result in
                if let failure = result.failure { throw failure }
                if let frame = result.frame {
                    try writer.append(frame: frame, rawSize: result.rawSize, sequences: result.documents)
                }
                counts.merge(result.counts)
                for item in result.reports {
                    report?(item)
                    if reports.count < Self.maxReports { reports.append(item) } else { dropped += 1 }
                }
                progress?(counts)
            })
        let reader = CorpusReader(paths: settings.inputs, options: settings.reader)
        try reader.read { chunk in try map.submit(chunk) }
        try map.finish()
        let shards = try writer.finish()
        try OutputDirectory.writeVocabulary(vocabulary, to: settings.output)
        let manifest = StoreManifest.make(
            settings: settings, vocabulary: vocabulary, tokenizer: tokenizer, idType: idType, counts: counts,
            shards: shards, reports: reports)
        try ManifestFile.write(manifest, to: settings.output)
        return TokenizeJobResult(
            counts: counts, shards: shards, reports: reports, reportsDropped: dropped,
            seconds: Date().timeIntervalSince(start))
    }
}
