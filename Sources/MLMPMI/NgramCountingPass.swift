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
    public var reservedBytes: Int = 64 << 20
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

    /// Round `length` ≥ 2: counts the candidate n-grams of the slice.
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
        let ordinals = Array(options.slice.ordinals(recordCount: source.recordCount))
        let threads = max(1, min(options.threads, ordinals.count))
        let held = words.memoryBytes + levels.reduce(0) { $0 + $1.memoryBytes } + options.reservedBytes
        let budget = (options.memoryLimit - held) / threads
        guard budget >= 1 << 20 else {
            throw PMIError(
                .memoryLimit,
                "--memory-limit \(options.memoryLimit >> 20) MiB is too small: the frequent n-grams of the shorter "
                    + "lengths alone take \(held >> 20) MiB; raise --memory-limit or --min-count")
        }
        let runs = try ParallelThreads.run(count: threads) { thread in
            var reader = try source.makeReader()
            let counter = NgramCounter(
                budgetBytes: budget, spillDirectory: options.temporaryDirectory,
                spillPrefix: "level\(length)-worker\(options.slice.index)-thread\(thread)")
            var segments = WordSegments()
            var names = [UInt32](repeating: 0, count: 1024)
            for position in stride(from: thread, to: ordinals.count, by: threads) {
                let record = try reader.record(at: ordinals[position])
                try checkIDs(record, vocabularySize: options.vocabularySize, ordinal: ordinals[position])
                record.flags.withUnsafeBufferPointer {
                    segments.split(flags: $0, documentOffsets: record.documentOffsets, scope: options.settings.scope)
                }
                try record.ids.withUnsafeBufferPointer { (tokens) throws(PMIError) in
                    for segment in 0..<segments.count {
                        let wordCount = segments.segmentWordCounts[segment]
                        guard wordCount >= length else { continue }
                        if names.count < wordCount { names = [UInt32](repeating: 0, count: wordCount * 2) }
                        try countSegment(
                            length: length, tokens: tokens, bounds: segments.bounds,
                            start: segments.segmentStarts[segment], wordCount: wordCount,
                            words: words, levels: levels, names: &names, counter: counter)
                    }
                }
            }
            return counter.finish()
        }
        return runs.flatMap { $0 }
    }

    /// Names every word of a segment, then every (n−1)-gram, level by level in place, and counts the keys of
    /// the n-grams whose two (n−1)-grams are frequent.
    @inline(__always)
    private static func countSegment(
        length: Int,
        tokens: UnsafeBufferPointer<UInt32>,
        bounds: [Int32],
        start: Int,
        wordCount: Int,
        words: WordTable,
        levels: [NgramLevel],
        names: inout [UInt32],
        counter: NgramCounter
    ) throws(PMIError) {
        let none = NgramLevel.none
        var known = 0
        for word in 0..<wordCount {
            let first = Int(bounds[start + word])
            let end = Int(bounds[start + word + 1])
            let name = words.index(of: UnsafeBufferPointer(rebasing: tokens[first..<end]))
            names[word] = name
            if name != none { known += 1 }
        }
        if known < length { return }
        var positions = wordCount
        for level in levels {
            positions -= 1
            known = 0
            for index in 0..<positions {
                let prefix = names[index]
                let suffix = names[index + 1]
                let name = prefix == none || suffix == none ? none : level.index(prefix: prefix, suffix: suffix)
                names[index] = name
                if name != none { known += 1 }
            }
            if known < 2 { return }
        }
        for index in 0..<(positions - 1) {
            let prefix = names[index]
            let suffix = names[index + 1]
            if prefix != none && suffix != none { try counter.add(UInt64(prefix) << 32 | UInt64(suffix)) }
        }
    }

    private static func checkIDs(_ record: TokenRecord, vocabularySize: Int, ordinal: Int) throws(PMIError) {
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
