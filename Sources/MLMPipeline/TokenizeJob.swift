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
    public var compressionLevel = ZstdCompressor.defaultLevel
    /// Largest uncompressed shard size.
    public var maxShardBytes = ShardSetWriter.defaultMaxRawBytesPerShard
    /// What to do with invalid UTF-8.
    public var invalidUTF8 = InvalidUTF8Policy.replace
    /// Where sentence boundaries come from.
    public var sentences = SentenceSource.lines
    /// What a word is in CJK ideograph runs (`--cjk-words`).
    public var cjkWords = CJKWordSource.char
    /// Replace an existing store.
    public var overwrite = false
    /// Continue an interrupted run in `output` (or start one); see ``RunJournal``.
    public var resume = false

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
    /// Shards of an interrupted run that were verified and kept (`resume`).
    public var resumedShards = 0
    /// `resume` found the run already finished: nothing was written, the counts are the manifest's.
    public var alreadyFinished = false
}

/// Streams text into a tokenized store (docs/design.md §3.3): reads chunks, tokenizes and compresses them on
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
    /// Called with running counts, about every chunk (for progress displays). An error it throws stops the run as
    /// any error does (no manifest; journaled shards stay for `resume`): a way to cancel.
    public var progress: ((RunCounts) throws -> Void)?
    /// Called with each report as it happens, in input order.
    public var report: ((SkipReport) -> Void)?
    /// Called with one-line notes about the output directory (a damaged shard to write again, for example).
    public var notice: ((String) -> Void)?

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
    ///
    /// With `resume`, an interrupted run's journaled shards are verified and kept, the input is read again from
    /// the start, the chunks whose records they hold are dropped without tokenizing, and the counts continue from
    /// the journal (see ``RunJournal``); the finished store is byte-identical to an uninterrupted run's.
    /// - Returns: Counts, shards and reports.
    /// - Throws: ``ReaderError``, ``TokenizerError``, ``ShardError`` or ``ResumeError``: the run stops and writes no
    ///   manifest (its complete shards and journal stay for `--resume`; the unfinished shard's `.tmp` is removed).
    public func run() throws -> TokenizeJobResult {
        let start = Date()
        let tables = try BertCharacterTables()
        // Check the inputs before touching the output directory: a typo must not leave a run to resume.
        var statuses: [InputFileStatus] = []
        for path in settings.inputs where path != "-" { statuses.append(try InputFileStatus(path: path)) }
        let output: JournaledShardOutput
        switch try JournaledShardOutput.open(
            directory: settings.output, policy: OutputDirectory.Policy(resume: settings.resume, overwrite: settings.overwrite),
            header: journalHeader(inputs: statuses), maxShardBytes: settings.maxShardBytes, notice: { notice?($0) })
        {
        case .finished(let manifest): return Self.finishedResult(manifest, seconds: Date().timeIntervalSince(start))
        case .opened(let opened): output = opened
        }
        let run = try TokenizeRun(job: self, output: output)
        do {
            try run.tokenize(tables: tables)
        } catch {
            output.abandon()
            throw error
        }
        let idType = StoreRecord.idType(vocabularySize: vocabulary.count)
        let manifest = StoreManifest.make(
            settings: settings, vocabulary: vocabulary, tokenizer: tokenizer, idType: idType, counts: run.counts,
            shards: output.shards, reports: run.reports
        ).addingWorker(settings.reader.worker, inputs: statuses)
        try output.commit(vocabulary: vocabulary, manifest: manifest)
        return TokenizeJobResult(
            counts: run.counts, shards: output.shards, reports: run.reports,
            reportsDropped: run.reportsSeen - run.reports.count, seconds: Date().timeIntervalSince(start),
            resumedShards: output.resumedShards)
    }

    /// The result of a run that `resume` found finished: the counts its manifest records.
    static func finishedResult(_ manifest: JSONValue, seconds: Double) -> TokenizeJobResult {
        TokenizeJobResult(
            counts: manifest["counts"].flatMap { RunCounts(json: $0) } ?? RunCounts(),
            shards: (manifest["shards"]?.arrayValue ?? []).compactMap { try? ShardSummary(jsonValue: $0) },
            reports: [], reportsDropped: 0, seconds: seconds, alreadyFinished: true)
    }
}
