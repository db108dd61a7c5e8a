import CMemory
import MLMSystem
import MLMCore
/// How one process counts: its slice of the corpus, its threads, its memory and where spill files go.
public struct CountingOptions: Sendable {
    /// Maximum length and segment scope (the other settings matter only when choosing entries).
    public var settings: PMISettings
    /// The records this process counts.
    public var slice: WorkerSlice = .all
    /// Counting threads.
    public var threads: Int = 1
    /// Bytes the counting tables may use in all (frequent-n-gram tables included).
    public var memoryLimit: Int = 3 << 30
    /// Bytes set aside for everything but the tables (buffers, records in flight).
    public var reservedBytes: Int = 32 << 20
    /// Whether ``memoryLimit`` bounds the whole process (the command line's `--memory-limit`): what the process
    /// holds is then measured (its resident set) rather than summed, the counter leaves room for the level built from
    /// its counts, and a level that would not fit is an error. Otherwise the limit is the tables' alone.
    public var limitsResidentSet = false
    /// Where spill files go (they are removed as they are merged).
    public var temporaryDirectory: String
    /// Ids in the store are below this.
    public var vocabularySize: Int

    /// Creates options.
    public init(settings: PMISettings, temporaryDirectory: String, vocabularySize: Int) {
        self.settings = settings
        self.temporaryDirectory = temporaryDirectory
        self.vocabularySize = vocabularySize
    }
}

/// What round 1 counted in one slice: every word with its count, and the totals.
public struct WordCounts: Sendable {
    /// Every word of the slice, sorted, with counts.
    public var run: WordRun
    /// `totals[n − 1]`: n-gram positions of length n.
    public var totals: [UInt64]
    /// Documents in the slice.
    public var documents: UInt64
}

/// The counting rounds over one slice of a store.
///
/// Round 1 counts words. Round n ≥ 2 counts the n-grams whose two (n−1)-grams are frequent — only those can
/// reach the minimum count — using the frequent tables of rounds 1…n−1 to name each position's (n−1)-gram.
/// Counts are exact whatever the threads and the memory limit: threads count disjoint records, tables that
/// outgrow their budget spill sorted runs, and the runs are summed.
public enum NgramCountingPass {
    /// Round 1: counts the words of the slice.
    /// - Parameters:
    ///   - source: The store.
    ///   - options: Slice, threads, settings.
    /// - Returns: The slice's word counts.
    public static func countWords(source: any TokenRecordSource, options: CountingOptions) throws -> WordCounts {
        let ordinals = Array(options.slice.ordinals(recordCount: source.recordCount))
        let threads = max(1, min(options.threads, ordinals.count))
        let counters = try ParallelThreads.run(count: threads) { thread in
            var reader = try source.makeReader()
            var counter = WordCounter(
                vocabularySize: options.vocabularySize, maximumLength: options.settings.maximumLength)
            var segments = WordSegments()
            for position in stride(from: thread, to: ordinals.count, by: threads) {
                try Termination.check()
                let record = try reader.record(at: ordinals[position])
                try checkIDs(record, vocabularySize: options.vocabularySize, ordinal: ordinals[position])
                record.flags.withUnsafeBufferPointer {
                    segments.split(flags: $0, documentOffsets: record.documentOffsets, scope: options.settings.scope)
                }
                record.ids.withUnsafeBufferPointer {
                    counter.count(tokens: $0, segments: segments, documents: record.documentOffsets.count - 1)
                }
            }
            return counter
        }
        var totals = [UInt64](repeating: 0, count: options.settings.maximumLength)
        var documents: UInt64 = 0
        for counter in counters {
            for index in totals.indices { totals[index] += counter.totals[index] }
            documents += counter.documents
        }
        let run = counters.count == 1 ? counters[0].sortedRun() : WordRun.merge(counters.map { $0.sortedRun() })
        return WordCounts(run: run, totals: totals, documents: documents)
    }

    /// Round `length` ≥ 2: counts the candidate n-grams of the slice, straight from the records.
    ///
    /// Every word is named, then every (n−1)-gram level by level, then the keys are counted. Scale-out workers
    /// use this (each round is a separate process); one process uses ``countNgramsFromRecords(source:options:words:streams:)``
    /// and ``countNgramsFromStreams(length:streams:options:words:levels:)``, which keep the names between rounds.
    /// - Parameters:
    ///   - length: The n-gram length.
    ///   - source: The store.
    ///   - options: Slice, threads, memory.
    ///   - words: The frequent words of the whole corpus.
    ///   - levels: The frequent n-grams of lengths 2 ..< length, in order.
    /// - Returns: Sorted runs whose sum is the exact count of every candidate.
    public static func countNgrams(
        length: Int,
        source: any TokenRecordSource,
        options: CountingOptions,
        words: WordTable,
        levels: [NgramLevel]
    ) throws -> [any KeyCountRunReader] {
        precondition(length >= 2 && levels.count == length - 2)
        return try countFromRecords(source: source, options: options, words: words, levels: levels, streams: nil)
    }

    /// Round 2 of one process: counts bigrams and keeps each thread's word names in a stream file for round 3.
    /// - Returns: The runs, and the stream files (one per thread).
    public static func countNgramsFromRecords(
        source: any TokenRecordSource, options: CountingOptions, words: WordTable, streams: String
    ) throws -> (runs: [any KeyCountRunReader], streams: [String]) {
        var files: [String] = []
        let threads = threadCount(source: source, options: options)
        for thread in 0..<threads { files.append(streams + "-thread\(thread).names") }
        let runs = try countFromRecords(source: source, options: options, words: words, levels: [], streams: files)
        return (runs, files)
    }

    /// Round `length` ≥ 3 of one process: reads the names of the (length−2)-grams from the stream files, names
    /// the (length−1)-grams with `levels.last`, counts the keys, and writes the new names (unless `length` is the
    /// last round). The old stream files are removed.
    /// - Returns: The runs and the new stream files (empty after the last round).
    public static func countNgramsFromStreams(
        length: Int, streams: [String], options: CountingOptions, words: WordTable, levels: [NgramLevel]
    ) throws -> (runs: [any KeyCountRunReader], streams: [String]) {
        precondition(length >= 3 && levels.count == length - 2)
        let budget = try counterBudget(options: options, words: words, levels: levels, threads: streams.count)
        let level = levels[levels.count - 1].lookup
        let writeNames = length < options.settings.maximumLength
        let next = writeNames ? streams.map { $0 + "+" } : []
        let counter = NgramCounter(
            budgetBytes: budget.tables, spillDirectory: options.temporaryDirectory, spillPrefix: "level\(length)",
            bufferKeys: budget.bufferKeys)
        _ = try ParallelThreads.run(count: streams.count) { thread in
            let feeder = counter.makeFeeder()
            let input = try NameStreamReader(path: streams[thread])
            let output = try writeNames ? NameStreamWriter(path: next[thread]) : nil
            var names: [UInt32] = []
            while try input.nextBlock(&names) {
                try names.withUnsafeMutableBufferPointer { (names) throws(PMIError) in
                    advance(names, level: level)
                    try countPairs(names, feeder: feeder)
                }
                try output?.append(names)
            }
            try feeder.flush()
            try output?.close()
            FileOutput.remove(streams[thread])
        }
        return (counter.finish(), next)
    }

    private static func threadCount(source: any TokenRecordSource, options: CountingOptions) -> Int {
        max(1, min(options.threads, Array(options.slice.ordinals(recordCount: source.recordCount)).count))
    }

    /// The counter's share of what is left of `--memory-limit`: the rest is room for the frequent level built from
    /// its counts once the tables are freed (keys, counts and a lookup table: up to ``NgramLevelBudget/bytesPerEntry``
    /// an entry against the counter's 28 a slot).
    static let counterShare = 0.6

    /// The counter's table budget and key-buffer size: the memory limit less what the process holds and the records
    /// in flight (``CountingOptions/reservedBytes``). With ``CountingOptions/limitsResidentSet``, what is held is the
    /// resident set after returning freed memory (the program, the words and the frequent levels; at least their own
    /// accounting), and the feeders' key buffers also come off, then ``counterShare`` of the rest.
    private static func counterBudget(
        options: CountingOptions, words: WordTable, levels: [NgramLevel], threads: Int
    ) throws(PMIError) -> (tables: Int, bufferKeys: Int) {
        let held =
            heldBytes(words: words, levels: levels, measured: options.limitsResidentSet) + options.reservedBytes
        let available = options.memoryLimit - held
        let bufferKeys = NgramCounter.bufferKeys(budgetBytes: max(available, 0), threads: threads)
        let budget =
            options.limitsResidentSet
            ? Int(Double(available - 2 * 8 * bufferKeys * max(threads, 1)) * counterShare) : available
        guard budget >= 1 << 20 else {
            throw PMIError(
                .memoryLimit,
                "--memory-limit \(options.memoryLimit >> 20) MiB is too small: the program and the frequent n-grams "
                    + "of the shorter lengths alone take \(held >> 20) MiB; raise --memory-limit or --min-count")
        }
        return (budget, bufferKeys)
    }

    /// What the process holds before a round: its resident set once freed memory is returned, or the words' and
    /// levels' own accounting where that is larger (or the resident set is unknown).
    static func heldBytes(words: WordTable, levels: [NgramLevel], measured: Bool) -> Int {
        let accounted = words.memoryBytes + levels.reduce(0) { $0 + $1.memoryBytes }
        guard measured else { return accounted }
        _ = cmemory_release_free_memory()
        return max(accounted, MemoryBudget.residentBytes() ?? 0)
    }

    private static func countFromRecords(
        source: any TokenRecordSource, options: CountingOptions, words: WordTable, levels: [NgramLevel],
        streams: [String]?
    ) throws -> [any KeyCountRunReader] {
        let length = levels.count + 2
        let ordinals = Array(options.slice.ordinals(recordCount: source.recordCount))
        let threads = threadCount(source: source, options: options)
        let budget = try counterBudget(options: options, words: words, levels: levels, threads: threads)
        let counter = NgramCounter(
            budgetBytes: budget.tables, spillDirectory: options.temporaryDirectory,
            spillPrefix: "level\(length)-worker\(options.slice.index)", bufferKeys: budget.bufferKeys)
        _ = try ParallelThreads.run(count: threads) { thread in
            var reader = try source.makeReader()
            let feeder = counter.makeFeeder()
            let output = try streams.map { try NameStreamWriter(path: $0[thread]) }
            var segments = WordSegments()
            var names: [UInt32] = []
            for position in stride(from: thread, to: ordinals.count, by: threads) {
                try Termination.check()
                let record = try reader.record(at: ordinals[position])
                try checkIDs(record, vocabularySize: options.vocabularySize, ordinal: ordinals[position])
                record.flags.withUnsafeBufferPointer {
                    segments.split(flags: $0, documentOffsets: record.documentOffsets, scope: options.settings.scope)
                }
                record.ids.withUnsafeBufferPointer {
                    nameWords($0, segments: segments, words: words.lookup, into: &names)
                }
                try names.withUnsafeMutableBufferPointer { (names) throws(PMIError) in
                    for level in levels { advance(names, level: level.lookup) }
                    try countPairs(names, feeder: feeder)
                }
                try output?.append(names)
            }
            try feeder.flush()
            try output?.close()
        }
        return counter.finish()
    }

    /// The names of a record's words (``WordTable`` numbers, ``NgramLevel/none`` for rare words), every segment
    /// followed by one `none` so that no n-gram is formed across it.
    static func nameWords(
        _ tokens: UnsafeBufferPointer<UInt32>, segments: WordSegments, words: WordTable.Lookup,
        into names: inout [UInt32]
    ) {
        names.removeAll(keepingCapacity: true)
        let bounds = segments.bounds
        for segment in 0..<segments.count {
            let start = segments.segmentStarts[segment]
            for word in start..<(start + segments.segmentWordCounts[segment]) {
                let first = Int(bounds[word])
                let end = Int(bounds[word + 1])
                names.append(words.index(of: UnsafeBufferPointer(rebasing: tokens[first..<end])))
            }
            names.append(NgramLevel.none)
        }
    }

    /// How far ahead the loops prefetch the slot they will probe: the tables are far bigger than the caches, so
    /// waiting for each probe's memory in turn would dominate.
    private static let prefetchDistance = 16

    /// Replaces each name of an (n−1)-gram by the name of the n-gram that starts there: the n-gram whose two
    /// (n−1)-grams are at `i` and `i + 1`, or `none` when either is `none` or the n-gram is not frequent.
    @inline(__always)
    static func advance(_ names: UnsafeMutableBufferPointer<UInt32>, level: NgramLevel.Lookup) {
        let none = NgramLevel.none
        let count = names.count
        guard count > 0 else { return }
        let ahead = prefetchDistance
        for index in 0..<min(ahead, count - 1) {
            let prefix = names[index], suffix = names[index + 1]
            if prefix != none && suffix != none { level.prefetch(prefix: prefix, suffix: suffix) }
        }
        for index in 0..<(count - 1) {
            if index + ahead + 1 < count {
                let prefix = names[index + ahead], suffix = names[index + ahead + 1]
                if prefix != none && suffix != none { level.prefetch(prefix: prefix, suffix: suffix) }
            }
            let prefix = names[index]
            let suffix = names[index + 1]
            names[index] = prefix == none || suffix == none ? none : level.index(prefix: prefix, suffix: suffix)
        }
        names[count - 1] = none
    }

    /// Counts the key of every pair of neighbouring names that are both frequent.
    @inline(__always)
    static func countPairs(_ names: UnsafeMutableBufferPointer<UInt32>, feeder: NgramCounter.Feeder) throws(PMIError) {
        let none = NgramLevel.none
        let count = names.count
        guard count > 1 else { return }
        for index in 0..<(count - 1) {
            let prefix = names[index]
            let suffix = names[index + 1]
            if prefix != none && suffix != none { try feeder.add(UInt64(prefix) << 32 | UInt64(suffix)) }
        }
    }

    private static func checkIDs(_ record: StoreRecord, vocabularySize: Int, ordinal: Int) throws(PMIError) {
        var largest: UInt32 = 0
        for id in record.ids where id > largest { largest = id }
        if !record.ids.isEmpty && Int(largest) >= vocabularySize {
            throw PMIError(
                .invalidFile,
                "record \(ordinal) holds token id \(largest), outside the store's vocabulary of \(vocabularySize); "
                    + "the store is damaged: tokenize again")
        }
    }
}
