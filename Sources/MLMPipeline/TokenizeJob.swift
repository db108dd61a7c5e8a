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
        let policy: OutputDirectory.Policy = settings.resume ? .resume : settings.overwrite ? .overwrite : .refuse
        let journal: RunJournal
        switch try OutputDirectory.open(
            settings.output, policy: policy, header: journalHeader(inputs: statuses), notice: { notice?($0) })
        {
        case .finished(let manifest):
            return TokenizeJobResult(
                counts: manifest["counts"].flatMap { RunCounts(json: $0) } ?? RunCounts(),
                shards: (manifest["shards"]?.arrayValue ?? []).compactMap { try? ShardSummary(jsonValue: $0) },
                reports: [], reportsDropped: 0, seconds: Date().timeIntervalSince(start), alreadyFinished: true)
        case .run(let opened):
            journal = opened
        }
        var counts = RunCounts()
        var reports: [SkipReport] = []
        var reportsSeen = 0
        var skipChunks = 0
        for entry in journal.entries {
            let progress = try TokenizeProgress(json: entry.state, directory: settings.output)
            reports += progress.reports
            counts = progress.counts
            reportsSeen = progress.reportsSeen
            skipChunks = progress.chunks
        }
        var journaledReports = reports.count
        let resumedShards = journal.entries.count
        let writer = try ShardSetWriter(
            directory: settings.output, maxRawBytesPerShard: settings.maxShardBytes,
            firstShardIndex: journal.entries.count)
        let vocabulary = self.vocabulary
        let tokenizer = self.tokenizer
        let settings = self.settings
        let idType: TensorDType = vocabulary.count <= 65536 ? .uint16 : .uint32

        /// Journals the shard the writer just finished; `chunks` chunks are consumed at this boundary.
        func journalShard(chunks: Int) throws {
            guard let shard = writer.completedShards.last else { return }
            let progress = TokenizeProgress(
                chunks: chunks, counts: counts, reports: Array(reports[journaledReports...]), reportsSeen: reportsSeen)
            try journal.record(shard: shard, state: progress.json)
            journaledReports = reports.count
        }

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
                    let finished = writer.completedShards.count
                    try writer.append(frame: frame, rawSize: result.rawSize, sequences: result.documents)
                    // The record of chunk `index` started a new shard: chunks before it are all in finished ones.
                    if writer.completedShards.count > finished { try journalShard(chunks: result.index) }
                }
                counts.merge(result.counts)
                for item in result.reports {
                    report?(item)
                    reportsSeen += 1
                    if reports.count < Self.maxReports { reports.append(item) }
                }
                try progress?(counts)
            })
        let reader = CorpusReader(paths: settings.inputs, options: settings.reader)
        var chunksRead = 0
        do {
            try reader.read { chunk in
                chunksRead = chunk.index + 1
                if chunk.index < skipChunks { return }
                try map.submit(chunk)
            }
            try map.finish()
            let finished = writer.completedShards.count
            _ = try writer.finish()
            if writer.completedShards.count > finished { try journalShard(chunks: chunksRead) }
        } catch {
            writer.abandon()
            // With no shard journaled there is nothing to resume: leave the directory as a fresh one.
            if journal.entries.isEmpty { try? journal.remove() }
            throw error
        }
        let shards = journal.entries.map(\.shard)
        try OutputDirectory.writeVocabulary(vocabulary, to: settings.output)
        let manifest = StoreManifest.make(
            settings: settings, vocabulary: vocabulary, tokenizer: tokenizer, idType: idType, counts: counts,
            shards: shards, reports: reports
        ).addingWorker(settings.reader.worker, inputs: statuses)
        try ManifestFile.write(manifest, to: settings.output)
        try journal.remove()
        return TokenizeJobResult(
            counts: counts, shards: shards, reports: reports, reportsDropped: reportsSeen - reports.count,
            seconds: Date().timeIntervalSince(start), resumedShards: resumedShards)
    }
}
