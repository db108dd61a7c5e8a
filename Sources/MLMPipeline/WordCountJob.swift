import MLMSystem
import Foundation
import MLMCore
import MLMReaders
import MLMTokenizer
import MLMVocab

/// Counts the normalized, pre-tokenized words of a corpus on several threads, streaming the input chunk by
/// chunk: what `mlmprep vocab` trains on (the words `tokenizers`' trainers count).
///
/// Memory is the reader's chunks in flight plus one count table per thread (distinct words, not the corpus).
/// The counts are the same for any number of threads.
///
/// ```swift
/// var job = WordCountJob(inputs: ["a.txt"], reader: ReaderOptions(), normalizer: BertNormalizerOptions())
/// let result = try job.run()
/// print(result.table.count, "distinct words")
/// ```
public struct WordCountJob {
    /// The input files (`-` is standard input).
    public var inputs: [String]
    /// The reader settings.
    public var reader: ReaderOptions
    /// The normalizer flags.
    public var normalizer: BertNormalizerOptions
    /// Worker threads.
    public var threads = 1
    /// Called on the calling thread after each chunk with the counts so far.
    public var progress: ((RunCounts) -> Void)?
    /// Called on the calling thread with each skip or warning, in input order.
    public var report: ((SkipReport) -> Void)?

    /// Creates a job.
    public init(inputs: [String], reader: ReaderOptions, normalizer: BertNormalizerOptions) {
        self.inputs = inputs
        self.reader = reader
        self.normalizer = normalizer
    }

    /// What counting found.
    public struct Result: Sendable {
        /// The distinct words and their counts.
        public var table: WordCountTable
        /// Reader counts, documents, sentences and words (documents read = counted + skipped).
        public var counts: RunCounts
        /// Seconds spent.
        public var seconds: Double
    }

    /// Reads every input and counts its words.
    /// - Throws: ``ReaderError`` for missing or damaged inputs, ``TokenizerError`` for damaged tables.
    public func run() throws -> Result {
        let start = Date()
        let tables = try BertCharacterTables()
        let normalizer = self.normalizer
        let registry = WorkerRegistry()
        var counts = RunCounts()
        let progress = self.progress
        let report = self.report
        let map = OrderedParallelMap<DocumentChunk, (counts: RunCounts, reports: [SkipReport]), ChunkWordCounter>(
            threads: threads,
            maxInFlight: threads * 2,
            makeWorker: { registry.register(ChunkWordCounter(tables: tables, normalizer: normalizer)) },
            work: { worker, chunk in worker.process(chunk) },
            consume: { result in
                counts.merge(result.counts)
                for item in result.reports { report?(item) }
                progress?(counts)
            })
        try CorpusReader(paths: inputs, options: reader).read { chunk in try map.submit(chunk) }
        try map.finish()
        let workers = registry.workers
        var table = workers.first?.table ?? WordCountTable()
        for worker in workers.dropFirst() { table.merge(worker.table) }
        return Result(table: table, counts: counts, seconds: Date().timeIntervalSince(start))
    }
}

/// The workers a map created, collected so that their tables can be merged after the last chunk.
private final class WorkerRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [ChunkWordCounter] = []

    func register(_ worker: ChunkWordCounter) -> ChunkWordCounter {
        lock.lock()
        list.append(worker)
        lock.unlock()
        return worker
    }

    var workers: [ChunkWordCounter] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
