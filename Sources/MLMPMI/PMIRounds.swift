import CMemory
import MLMCore

/// What a finished PMI run reports: counts per round, for the summary line and `--stats-json`.
public struct PMIRunSummary: Sendable {
    /// Documents counted.
    public var documents: UInt64 = 0
    /// `totals[n − 1]`: n-gram positions of length n (`totals[0]` is the number of words).
    public var totals: [UInt64] = []
    /// Distinct words, then distinct candidates counted per length 2… (before the minimum count).
    public var distinct: [Int] = []
    /// Frequent entries per length 1… (count ≥ min count).
    public var candidates: [Int] = []
    /// Entries kept per length 2….
    public var kept: [Int] = []
    /// Sorted runs spilled to disk because a counting table reached its share of `--memory-limit`.
    public var spillFiles = 0

    /// An empty summary.
    public init() {}

    /// The summary as JSON (for `--stats-json`).
    public var jsonValue: JSONValue {
        [
            "documents": .int(Int(documents)),
            "words": .int(Int(totals.first ?? 0)),
            "totals": .array(totals.map { .int(Int($0)) }),
            "distinct": .array(distinct.map { .int($0) }),
            "candidates": .array(candidates.map { .int($0) }),
            "kept": .array(kept.map { .int($0) }),
            "spill_files": .int(spillFiles),
        ]
    }
}

/// The vocabulary as the table needs it: its tokens (for the text of words) and its `vocab.txt` text.
public struct PMIVocabulary: Sendable {
    /// Tokens by id.
    public var tokens: [String]
    /// The prefix of continuing pieces.
    public var continuingPrefix: String

    /// Creates a vocabulary description.
    public init(tokens: [String], continuingPrefix: String = "##") {
        self.tokens = tokens
        self.continuingPrefix = continuingPrefix
    }

    /// `vocab.txt`: one token per line.
    var text: [UInt8] { Array((tokens.joined(separator: "\n") + "\n").utf8) }

    init(text: [UInt8]) {
        var lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        self.init(tokens: lines)
    }
}

/// Builds PMI tables: in one process (every round in memory) or as rounds of separate worker processes whose
/// part files are merged (`mlmprep pmi count` / `mlmprep pmi merge`).
///
/// **Rounds.** Pruning level by level needs the *global* counts of round n − 1 before round n can start, so a
/// scale-out run alternates: round 1 — every worker counts the words of its slice (`pmi count --worker I/N`),
/// `pmi merge` sums the parts and keeps the words counted at least `--min-count` times (a count file); round
/// n = 2…max — every worker counts, in its slice, the n-grams whose two (n−1)-grams are in the previous count
/// file (`--after`), `pmi merge` sums and prunes again; the last merge writes the table. Parts hold exact,
/// unpruned counts of their slice, so the sums are exact and the table is byte-identical to the one-process
/// table. The one-process run does the same rounds without files.
public enum PMIRounds {
    /// The table's header (the same for one process and for merged rounds).
    static func tableHeader(
        settings: PMISettings, identity: StoreIdentity, documents: UInt64, totals: [UInt64], candidates: [Int],
        kept: [Int]
    ) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("format", "mlmprep.pmi"),
            ("version", 1),
            ("score", .string(settings.score.rawValue)),
            ("max_n", .int(settings.maximumLength)),
            ("within", .string(settings.scope.rawValue)),
            ("min_count", .int(settings.minimumCount)),
            ("size", .int(settings.size)),
            ("mix", .array(settings.effectiveMix.map { .double($0) })),
        ]
        members += identity.jsonMembers
        members += [
            ("documents", .int(Int(documents))),
            ("totals", .array(totals.map { .int(Int($0)) })),
            ("candidates", .array(candidates.map { .int($0) })),
            ("kept", .array(kept.map { .int($0) })),
        ]
        return .object(members)
    }

    /// Scores and chooses entries, and assembles the table.
    static func makeTable(
        settings: PMISettings, identity: StoreIdentity, vocabulary: PMIVocabulary, documents: UInt64,
        totals: [UInt64], words: WordTable, levels: [NgramLevel], threads: Int = 1, summary: inout PMIRunSummary
    ) -> PMITable {
        var builder = PMITableBuilder(
            settings: settings, words: words, levels: levels, totals: totals, tokens: vocabulary.tokens,
            continuingPrefix: vocabulary.continuingPrefix)
        builder.threads = threads
        let (entries, candidates) = builder.build()
        var kept = [Int](repeating: 0, count: settings.maximumLength - 1)
        for entry in entries { kept[entry.length - 2] += 1 }
        summary.documents = documents
        summary.totals = totals
        summary.candidates = candidates
        summary.kept = kept
        let header = tableHeader(
            settings: settings, identity: identity, documents: documents, totals: totals, candidates: candidates,
            kept: kept)
        return PMITable(header: header, entries: entries)
    }

    /// Counts every round in this process and returns the table.
    /// - Parameters:
    ///   - source: The store's records.
    ///   - identity: The store's identity.
    ///   - vocabulary: The store's vocabulary.
    ///   - options: Settings, threads, memory, temporary directory (the slice must be all).
    ///   - progress: Receives a line after each round.
    /// - Returns: The table and the counts.
    public static func buildTable(
        source: any TokenRecordSource,
        identity: StoreIdentity,
        vocabulary: PMIVocabulary,
        options: CountingOptions,
        progress: (String) -> Void = { _ in }
    ) throws -> (table: PMITable, summary: PMIRunSummary) {
        let settings = options.settings
        try settings.validate()
        var summary = PMIRunSummary()
        let counted = try NgramCountingPass.countWords(source: source, options: options)
        summary.distinct.append(counted.run.count)
        let words = WordTable(
            run: WordRun.merge([counted.run], minimumCount: UInt64(settings.minimumCount)),
            vocabularySize: options.vocabularySize)
        progress("round 1: \(counted.totals[0]) words, \(counted.run.count) distinct, \(words.count) frequent")
        var levels: [NgramLevel] = []
        var streams: [String] = []
        for length in 2...settings.maximumLength {
            // What the process holds before the round's counter (the level is built once the counter is freed).
            let held =
                NgramCountingPass.heldBytes(words: words, levels: levels, measured: options.limitsResidentSet)
                + options.reservedBytes
            // Round 2 names the words from the records; later rounds read the names the previous round kept.
            let runs: [any KeyCountRunReader]
            if length == 2 {
                (runs, streams) = try NgramCountingPass.countNgramsFromRecords(
                    source: source, options: options, words: words,
                    streams: options.temporaryDirectory + "/names")
            } else {
                (runs, streams) = try NgramCountingPass.countNgramsFromStreams(
                    length: length, streams: streams, options: options, words: words, levels: levels)
            }
            summary.spillFiles += runs.filter { $0 is SpillFileRun }.count
            var distinct = 0
            let level = try frequentLevel(
                runs: runs, length: length, settings: settings, distinct: &distinct,
                memoryLimit: options.limitsResidentSet ? options.memoryLimit : nil,
                held: held)
            summary.distinct.append(distinct)
            levels.append(level)
            progress("round \(length): \(distinct) distinct candidate \(length)-grams, \(level.count) frequent")
        }
        for stream in streams { FileOutput.remove(stream) }
        // Scoring reads keys and counts only: the lookup tables (21–43 bytes an entry) go before it starts.
        levels = levels.map { $0.withoutLookup() }
        if options.limitsResidentSet { _ = cmemory_release_free_memory() }
        let table = makeTable(
            settings: settings, identity: identity, vocabulary: vocabulary, documents: counted.documents,
            totals: counted.totals, words: words, levels: levels, threads: options.threads, summary: &summary)
        return (table, summary)
    }

    /// The frequent n-grams of the merged runs, as a level. With `memoryLimit`, the level must fit in what the
    /// process does not hold yet (`held`): its keys, counts and lookup table cost up to
    /// ``NgramLevel/bytesPerEntry`` an entry, and a level that would not fit is an error, never a peak past the limit.
    static func frequentLevel(
        runs: [any KeyCountRunReader], length: Int, settings: PMISettings, distinct: inout Int,
        memoryLimit: Int? = nil, held: Int = 0
    ) throws(PMIError) -> NgramLevel {
        var keys: [UInt64] = []
        var counts: [UInt64] = []
        var seen = 0
        var merger = SortedRunMerger(runs)
        let minimum = UInt64(settings.minimumCount)
        // The in-memory run is freed only once it is read to its end, while the level grows.
        let runBytes = runs.reduce(0) { $0 + (($1 as? OwnedKeyCountRun)?.bytes ?? 0) }
        let room = memoryLimit.map { ($0 - held - runBytes) / NgramLevel.bytesPerEntry } ?? Int.max
        try merger.forEach { (key, count) throws(PMIError) in
            seen += 1
            if count >= minimum {
                keys.append(key)
                counts.append(count)
                if keys.count > room {
                    throw PMIError(
                        .memoryLimit,
                        "the frequent \(length)-grams do not fit in --memory-limit \((memoryLimit ?? 0) >> 20) MiB "
                            + "(more than \(room) of them, \(NgramLevel.bytesPerEntry) bytes each, besides "
                            + "\((held + runBytes) >> 20) MiB held); raise --memory-limit or --min-count")
                }
            }
        }
        distinct = seen
        guard keys.count < Int(NgramLevel.none) else {
            throw PMIError(.memoryLimit, "more than 2³² − 2 frequent \(length)-grams; raise --min-count")
        }
        // Drop the growth slack (up to half of each array) before the lookup table is added.
        if keys.capacity > keys.count + keys.count / 8 {
            keys = Array(keys)
            counts = Array(counts)
        }
        return NgramLevel(length: length, keys: keys, counts: counts)
    }

    /// The sha256 of a file's bytes.
    static func fileDigest(_ path: String) throws(PMIError) -> String {
        let input = try FileInput(path: path)
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try buffer.withUnsafeMutableBytesThrowing { (raw) throws(PMIError) in try input.read(into: raw) }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return hasher.finalize().hexDigest
    }
}
