import MLMSystem
import MLMCore
import MLMReaders
import MLMShards
import MLMSystem
import MLMTokenizer

/// One tokenize run in progress: reads chunks, tokenizes them on worker threads, appends the records to the output
/// in input order and keeps the counts and reports; resumes from the output's journal (see ``TokenizeProgress``).
final class TokenizeRun {
    let job: TokenizeJob
    let output: JournaledShardOutput
    /// The counts so far.
    private(set) var counts = RunCounts()
    /// Reports kept (the first ``TokenizeJob/maxReports``).
    private(set) var reports: [SkipReport] = []
    /// Reports produced, kept or not.
    private(set) var reportsSeen = 0
    /// Chunks already in journaled shards (a resumed run reads them again without tokenizing them).
    private var skipChunks = 0
    /// `reports[..<journaledReports]` are in the journal already.
    private var journaledReports = 0

    /// Starts a run, continuing the counts of an interrupted one from the output's journal.
    init(job: TokenizeJob, output: JournaledShardOutput) throws {
        self.job = job
        self.output = output
        for entry in output.journal.entries {
            let progress = try TokenizeProgress(json: entry.state, directory: output.directory)
            reports += progress.reports
            counts = progress.counts
            reportsSeen = progress.reportsSeen
            skipChunks = progress.chunks
        }
        journaledReports = reports.count
    }

    /// The state to journal when the records of chunks `0..<chunks` are all in finished shards.
    private func journalState(chunks: Int) -> JSONValue {
        let progress = TokenizeProgress(
            chunks: chunks, counts: counts, reports: Array(reports[journaledReports...]), reportsSeen: reportsSeen)
        journaledReports = reports.count
        return progress.json
    }

    /// Reads every input and writes every record.
    /// - Parameter tables: The normalizer's character tables (shared by the workers).
    func tokenize(tables: BertCharacterTables) throws {
        let settings = job.settings
        let vocabulary = job.vocabulary
        let tokenizer = job.tokenizer
        let idType = StoreRecord.idType(vocabularySize: vocabulary.count)
        let map = OrderedParallelMap<DocumentChunk, TokenizedChunk, ChunkTokenizer>(
            threads: settings.threads,
            maxInFlight: settings.threads * 3,
            makeWorker: {
                try ChunkTokenizer(
                    vocabulary: vocabulary, tables: tables, tokenizer: tokenizer, idType: idType,
                    invalidUTF8: settings.invalidUTF8, sentences: settings.sentences, cjkWords: settings.cjkWords,
                    compressionLevel: settings.compressionLevel)
            },
            work: { worker, chunk in try worker.process(chunk) },
            consume: { [self] result in try self.consume(result) })
        let reader = CorpusReader(paths: settings.inputs, options: settings.reader)
        var chunksRead = 0
        let skipChunks = self.skipChunks
        try reader.read { chunk in
            try Termination.check()
            chunksRead = chunk.index + 1
            if chunk.index < skipChunks { return }
            try map.submit(chunk)
        }
        try map.finish()
        try output.finish { journalState(chunks: chunksRead) }
    }

    /// Takes one tokenized chunk, in input order.
    private func consume(_ result: TokenizedChunk) throws {
        if let failure = result.failure { throw failure }
        if let frame = result.frame {
            // The record of chunk `index` starting a new shard means every chunk before it is in finished ones.
            try output.append(frame: frame, rawSize: result.rawSize, sequences: result.documents) {
                journalState(chunks: result.index)
            }
        }
        counts.merge(result.counts)
        for item in result.reports {
            job.report?(item)
            reportsSeen += 1
            if reports.count < TokenizeJob.maxReports { reports.append(item) }
        }
        try job.progress?(counts)
    }
}
