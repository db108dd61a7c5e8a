import MLMCore
import MLMReaders
import MLMShards
import MLMTokenizer

/// A tokenize run's state at a shard boundary, as its journal stores it (see ``RunJournal``).
///
/// Records are whole reader chunks and chunk boundaries depend only on the input and `--chunk-bytes`, so "the
/// first `chunks` chunks are in the journaled shards" is a complete position: a resumed run reads the input again,
/// drops those chunks without tokenizing them, and starts the next shard with the next chunk's record, exactly where
/// an uninterrupted run starts it.
struct TokenizeProgress {
    /// Chunks consumed: every record of chunks `0..<chunks` is in a journaled shard.
    var chunks: Int
    /// The counts after those chunks.
    var counts: RunCounts
    /// Reports kept since the previous entry (the run keeps at most ``TokenizeJob/maxReports``).
    var reports: [SkipReport]
    /// Reports produced so far, kept or not.
    var reportsSeen: Int

    /// The state as JSON.
    var json: JSONValue {
        .object([
            ("chunks", .int(chunks)), ("counts", counts.json), ("reports_seen", .int(reportsSeen)),
            ("reports", .array(reports.map(\.json))),
        ])
    }

    /// Creates a state.
    init(chunks: Int, counts: RunCounts, reports: [SkipReport], reportsSeen: Int) {
        self.chunks = chunks
        self.counts = counts
        self.reports = reports
        self.reportsSeen = reportsSeen
    }

    /// Reads a journaled state.
    /// - Parameters:
    ///   - json: The entry's state.
    ///   - directory: The output directory, for the error.
    /// - Throws: ``ResumeError`` (`damagedJournal`) when a field is missing.
    init(json: JSONValue, directory: String) throws(ResumeError) {
        guard let chunks = json["chunks"]?.intValue, let countsJSON = json["counts"],
            let counts = RunCounts(json: countsJSON), let seen = json["reports_seen"]?.intValue,
            let list = json["reports"]?.arrayValue
        else {
            throw ResumeError(
                .damagedJournal, "a progress journal entry lacks the tokenize state; pass --overwrite to start over",
                directory: directory)
        }
        var reports: [SkipReport] = []
        for item in list {
            guard let report = SkipReport(json: item) else {
                throw ResumeError(
                    .damagedJournal, "a progress journal entry holds an unreadable report; pass --overwrite to start over",
                    directory: directory)
            }
            reports.append(report)
        }
        self.init(chunks: chunks, counts: counts, reports: reports, reportsSeen: seen)
    }
}

extension TokenizeJob {
    /// The journal header: every setting that shapes the store's bytes, named as the command line names it, and
    /// the inputs' sizes and modification times. Threads are left out: they never change a byte.
    /// - Parameter inputs: The status of each input file.
    /// - Returns: The header.
    func journalHeader(inputs: [InputFileStatus]) -> RunJournal.Header {
        let reader = settings.reader
        let normalizer = tokenizer.normalizer
        var settings: [(key: String, value: JSONValue)] = [
            ("--format", reader.format.map { .string($0.rawValue) } ?? "auto"),
            ("--field", .string(reader.field)),
            ("--doc-boundary", .string(reader.boundary.rawValue)),
            ("--bad-records", .string(reader.badRecords.rawValue)),
            ("--max-line-bytes", .int(reader.maxLineBytes)),
            ("the longest document without a blank line", .int(reader.maxDocumentBytes)),
            ("--chunk-bytes", .int(reader.targetChunkBytes)),
            ("--sentences", .string(self.settings.sentences.rawValue)),
            ("--cjk-words", .string(self.settings.cjkWords.rawValue)),
            ("--invalid-utf8", .string(self.settings.invalidUTF8.rawValue)),
            ("--level", .int(Int(self.settings.compressionLevel))),
            ("--max-shard-bytes", .int(self.settings.maxShardBytes)),
            ("the vocabulary's sha256", .string(SHA256.hash(Array(vocabulary.vocabText.utf8)).hexDigest)),
            ("lower-casing (--cased)", .bool(normalizer.lowercase)),
            ("--strip-accents", .bool(normalizer.stripsAccents)),
            ("--clean-text", .bool(normalizer.cleanText)),
            ("--chinese-chars", .bool(normalizer.handleChineseChars)),
            ("--max-chars-per-word", .int(tokenizer.maxInputCharsPerWord)),
        ]
        if !reader.worker.isAll { settings.append(("--worker", .string(reader.worker.description))) }
        return RunJournal.Header(command: "tokenize", settings: settings, inputs: inputs)
    }
}
