import Foundation
import MLMCore

extension PMIRounds {
    /// The settings a merge may be given; nil means "inherit" (or the default, in round 1).
    public struct MergeSettings: Sendable {
        /// `--min-count` (fixed in round 1, inherited later).
        public var minimumCount: Int?
        /// `--size` (used by the last round).
        public var size: Int?
        /// `--mix` (used by the last round).
        public var mix: [Double]?
        /// `--score` (used by the last round).
        public var score: PMIScore?

        /// No settings given.
        public init() {}
    }

    /// What a count file says about itself.
    struct CountFileHeader {
        var kind: String
        var level: Int
        var worker: Int
        var workers: Int
        var maximumLength: Int
        var scope: SegmentScope
        var minimumCount: Int
        var identity: StoreIdentity
        var afterSHA256: String
        /// Where the `--after` file was when the part was counted (absolute), so merge can find it.
        var afterPath: String = ""
        var documents: UInt64
        var totals: [UInt64]
        var vocabularyBytes: Int
        var hasWords: Bool
        var pairLengths: [Int]

        var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [
                ("format", "mlmprep.pmi-counts"),
                ("version", 1),
                ("kind", .string(kind)),
                ("level", .int(level)),
                ("worker", .int(worker)),
                ("workers", .int(workers)),
                ("max_n", .int(maximumLength)),
                ("within", .string(scope.rawValue)),
                ("min_count", .int(minimumCount)),
            ]
            members += identity.jsonMembers
            members += [
                ("after_sha256", .string(afterSHA256)),
                ("after_path", .string(afterPath)),
                ("documents", .int(Int(documents))),
                ("totals", .array(totals.map { .int(Int($0)) })),
                ("vocab_bytes", .int(vocabularyBytes)),
                ("has_words", .bool(hasWords)),
                ("pair_lengths", .array(pairLengths.map { .int($0) })),
            ]
            return .object(members)
        }

        init(
            kind: String, level: Int, worker: Int, workers: Int, maximumLength: Int, scope: SegmentScope,
            minimumCount: Int, identity: StoreIdentity, afterSHA256: String, documents: UInt64, totals: [UInt64],
            vocabularyBytes: Int, hasWords: Bool, pairLengths: [Int]
        ) {
            self.kind = kind
            self.level = level
            self.worker = worker
            self.workers = workers
            self.maximumLength = maximumLength
            self.scope = scope
            self.minimumCount = minimumCount
            self.identity = identity
            self.afterSHA256 = afterSHA256
            self.documents = documents
            self.totals = totals
            self.vocabularyBytes = vocabularyBytes
            self.hasWords = hasWords
            self.pairLengths = pairLengths
        }

        init(_ json: JSONValue, path: String) throws(PMIError) {
            func damaged() -> PMIError {
                PMIError(.invalidFile, "the count file's header is incomplete; write it again", path: path)
            }
            guard let kind = json["kind"]?.stringValue, let level = json["level"]?.intValue,
                let worker = json["worker"]?.intValue, let workers = json["workers"]?.intValue,
                let maximumLength = json["max_n"]?.intValue,
                let scope = json["within"]?.stringValue.flatMap(SegmentScope.init(rawValue:)),
                let minimumCount = json["min_count"]?.intValue, let after = json["after_sha256"]?.stringValue,
                let documents = json["documents"]?.intValue, let totals = json["totals"]?.arrayValue,
                let vocabularyBytes = json["vocab_bytes"]?.intValue, let hasWords = json["has_words"]?.boolValue,
                let pairLengths = json["pair_lengths"]?.arrayValue
            else { throw damaged() }
            self.init(
                kind: kind, level: level, worker: worker, workers: workers, maximumLength: maximumLength,
                scope: scope, minimumCount: minimumCount, identity: try StoreIdentity(header: json, path: path),
                afterSHA256: after, documents: UInt64(max(0, documents)),
                totals: totals.map { UInt64(max(0, $0.intValue ?? 0)) }, vocabularyBytes: vocabularyBytes,
                hasWords: hasWords, pairLengths: pairLengths.map { $0.intValue ?? 0 })
            afterPath = json["after_path"]?.stringValue ?? ""
            guard (1...8).contains(level), workers >= 1, (0..<workers).contains(worker),
                (2...8).contains(maximumLength), level <= maximumLength, totals.count == maximumLength,
                vocabularyBytes >= 0, vocabularyBytes < 1 << 30
            else { throw damaged() }
        }
    }

    /// A merged count file loaded back: the frequent words and n-grams of rounds 1…level.
    struct LoadedCounts {
        var header: CountFileHeader
        var vocabulary: PMIVocabulary
        var words: WordTable
        var levels: [NgramLevel]
        var digest: String
    }

    static func loadCounts(path: String) throws(PMIError) -> LoadedCounts {
        let reader = try CountFileReader(path: path)
        let header = try CountFileHeader(reader.header, path: path)
        guard header.kind == "counts" else {
            throw PMIError(
                .mismatch, "--after needs a count file written by mlmprep pmi merge, not a \(header.kind) file",
                path: path)
        }
        let vocabulary = PMIVocabulary(text: try reader.bytes(header.vocabularyBytes))
        let run = try reader.words()
        var levels: [NgramLevel] = []
        for length in header.pairLengths {
            let (keys, counts) = try reader.pairs()
            levels.append(NgramLevel(length: length, keys: keys, counts: counts))
        }
        try reader.expectEnd()
        guard header.pairLengths == Array(stride(from: 2, through: header.level, by: 1)) else {
            throw reader.damaged("its sections do not match its level")
        }
        return LoadedCounts(
            header: header, vocabulary: vocabulary,
            words: WordTable(run: run, vocabularySize: vocabulary.tokens.count), levels: levels,
            digest: try fileDigest(path))
    }

    /// Counts one round of one worker's slice and writes its part file.
    ///
    /// Without `after` this is round 1 (words); with the count file of round n − 1 it is round n.
    /// - Parameters:
    ///   - source: The store's records.
    ///   - identity: The store's identity.
    ///   - vocabulary: The store's vocabulary.
    ///   - options: Settings (`maximumLength` and `scope` matter in round 1), slice, threads, memory.
    ///   - after: The merged count file of the previous round, or nil for round 1.
    ///   - explicit: Whether `--max-n` / `--within` were given (they must then agree with `after`).
    ///   - output: The part file.
    /// - Returns: The round number and entries written.
    @discardableResult
    public static func countPart(
        source: any TokenRecordSource,
        identity: StoreIdentity,
        vocabulary: PMIVocabulary,
        options: CountingOptions,
        after: String?,
        explicitSettings: (maximumLength: Bool, scope: Bool) = (false, false),
        output: String
    ) throws -> (round: Int, entries: Int) {
        var options = options
        guard let after else {
            let counted = try NgramCountingPass.countWords(source: source, options: options)
            let vocabularyText = vocabulary.text
            let header = CountFileHeader(
                kind: "part", level: 1, worker: options.slice.index, workers: options.slice.count,
                maximumLength: options.settings.maximumLength, scope: options.settings.scope, minimumCount: 1,
                identity: identity, afterSHA256: "", documents: counted.documents, totals: counted.totals,
                vocabularyBytes: vocabularyText.count, hasWords: true, pairLengths: [])
            let writer = try CountFileWriter(path: output, header: header.json)
            do {
                writer.append(vocabularyText)
                try writer.appendWords(counted.run)
                try writer.finish()
            } catch {
                writer.abandon()
                throw error
            }
            return (1, counted.run.count)
        }
        let previous = try loadCounts(path: after)
        let inherited = previous.header
        guard inherited.identity == identity else {
            throw PMIError(
                .mismatch,
                "the count file was made from another store (manifest \(inherited.identity.manifestSHA256.prefix(12))…, "
                    + "this store \(identity.manifestSHA256.prefix(12))…); count every round on the same store",
                path: after)
        }
        if explicitSettings.maximumLength && options.settings.maximumLength != inherited.maximumLength {
            throw PMIError(
                .mismatch, "--max-n \(options.settings.maximumLength) differs from round 1's \(inherited.maximumLength)",
                path: after)
        }
        if explicitSettings.scope && options.settings.scope != inherited.scope {
            throw PMIError(
                .mismatch, "--within \(options.settings.scope.rawValue) differs from round 1's \(inherited.scope.rawValue)",
                path: after)
        }
        let length = inherited.level + 1
        guard length <= inherited.maximumLength else {
            throw PMIError(
                .mismatch,
                "this count file is already round \(inherited.level) of \(inherited.maximumLength): merge its parts "
                    + "into the table instead of counting again", path: after)
        }
        options.settings.maximumLength = inherited.maximumLength
        options.settings.scope = inherited.scope
        let runs = try NgramCountingPass.countNgrams(
            length: length, source: source, options: options, words: previous.words, levels: previous.levels)
        var header = CountFileHeader(
            kind: "part", level: length, worker: options.slice.index, workers: options.slice.count,
            maximumLength: inherited.maximumLength, scope: inherited.scope, minimumCount: inherited.minimumCount,
            identity: identity, afterSHA256: previous.digest, documents: 0,
            totals: [UInt64](repeating: 0, count: inherited.maximumLength), vocabularyBytes: 0, hasWords: false,
            pairLengths: [length])
        header.afterPath = Self.absolutePath(after)
        let writer = try CountFileWriter(path: output, header: header.json)
        var entries = 0
        do {
            var merger = SortedRunMerger(runs)
            var block: [KeyCount] = []
            block.reserveCapacity(CountFileFormat.blockEntries)
            try merger.forEach { (key, count) throws(PMIError) in
                block.append(KeyCount(key: key, count: count))
                entries += 1
                if block.count == CountFileFormat.blockEntries {
                    try writer.appendPairBlock(block)
                    block.removeAll(keepingCapacity: true)
                }
            }
            try writer.appendPairBlock(block)
            writer.endPairs()
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        return (length, entries)
    }

    /// Sums the parts of one round: writes the count file of that round, or the table after the last round.
    /// - Parameters:
    ///   - parts: Every worker's part of the round (`--worker 0/N` … `N−1/N`), in any order.
    ///   - after: The count file the parts were counted against (rounds ≥ 2).
    ///   - given: Settings given on the command line.
    ///   - output: The count file or table to write.
    /// - Returns: The round, whether the table was written, and the counts.
    public static func merge(
        parts: [String], after: String?, given: MergeSettings, output: String
    ) throws -> (round: Int, wroteTable: Bool, summary: PMIRunSummary) {
        guard !parts.isEmpty else { throw PMIError(.invalidSetting, "pmi merge needs the part files of one round") }
        var readers: [CountFileReader] = []
        var headers: [CountFileHeader] = []
        for path in parts {
            let reader = try CountFileReader(path: path)
            let header = try CountFileHeader(reader.header, path: path)
            guard header.kind == "part" else {
                throw PMIError(
                    .mismatch, "this is a merged count file, not a part; give it with --after to the next round's count",
                    path: path)
            }
            readers.append(reader)
            headers.append(header)
        }
        let first = headers[0]
        for (path, header) in zip(parts, headers).dropFirst() {
            func differs(_ what: String, _ mine: String, _ theirs: String) -> PMIError {
                PMIError(
                    .mismatch, "\(what) \(mine) differs from \(theirs) in \(parts[0]); merge the parts of one round only",
                    path: path)
            }
            if header.level != first.level { throw differs("round", "\(header.level)", "\(first.level)") }
            if header.identity != first.identity {
                throw differs("the store", header.identity.manifestSHA256.prefix(12) + "…",
                    first.identity.manifestSHA256.prefix(12) + "…")
            }
            if header.workers != first.workers { throw differs("the worker count", "\(header.workers)", "\(first.workers)") }
            if header.maximumLength != first.maximumLength || header.scope != first.scope {
                throw differs("the settings", "\(header.maximumLength)/\(header.scope)", "\(first.maximumLength)/\(first.scope)")
            }
            if header.afterSHA256 != first.afterSHA256 { throw differs("the --after file", "", "the one") }
        }
        var seen = [String?](repeating: nil, count: first.workers)
        for (path, header) in zip(parts, headers) {
            if let other = seen[header.worker] {
                throw PMIError(
                    .mismatch, "worker \(header.worker)/\(header.workers) is given twice (also \(other))", path: path)
            }
            seen[header.worker] = path
        }
        if let missing = seen.firstIndex(where: { $0 == nil }) {
            throw PMIError(
                .mismatch,
                "the part of worker \(missing)/\(first.workers) in round \(first.level) is missing; count it with "
                    + "`mlmprep pmi count STORE --worker \(missing)/\(first.workers)\(first.level > 1 ? " --after …" : "")`",
                path: parts[0])
        }
        var summary = PMIRunSummary()
        if first.level == 1 {
            guard after == nil else {
                throw PMIError(.invalidSetting, "round 1 parts are merged without --after")
            }
            let minimumCount = given.minimumCount ?? 10
            guard minimumCount >= 1 else {
                throw PMIError(.invalidSetting, "--min-count must be at least 1, got \(minimumCount)")
            }
            var runs: [WordRun] = []
            var vocabularyText: [UInt8] = []
            var totals = [UInt64](repeating: 0, count: first.maximumLength)
            var documents: UInt64 = 0
            for (index, reader) in readers.enumerated() {
                let text = try reader.bytes(headers[index].vocabularyBytes)
                if index == 0 { vocabularyText = text }
                runs.append(try reader.words())
                try reader.expectEnd()
                for length in totals.indices { totals[length] += headers[index].totals[length] }
                documents += headers[index].documents
            }
            let all = WordRun.merge(runs)
            let frequent = WordRun.merge([all], minimumCount: UInt64(minimumCount))
            let header = CountFileHeader(
                kind: "counts", level: 1, worker: 0, workers: 1, maximumLength: first.maximumLength,
                scope: first.scope, minimumCount: minimumCount, identity: first.identity, afterSHA256: "",
                documents: documents, totals: totals, vocabularyBytes: vocabularyText.count, hasWords: true,
                pairLengths: [])
            try writeCounts(header: header, vocabulary: vocabularyText, words: frequent, levels: [], to: output)
            summary.documents = documents
            summary.totals = totals
            summary.distinct = [all.count]
            summary.candidates = [frequent.count]
            return (1, false, summary)
        }
        // Without --after, the count file the parts were counted against, where it was then.
        guard let after = after ?? (first.afterPath.isEmpty ? nil : first.afterPath) else {
            throw PMIError(
                .invalidSetting,
                "round \(first.level) parts need --after, the count file of round \(first.level - 1) they were counted with")
        }
        let previous = try loadCounts(path: after)
        guard previous.digest == first.afterSHA256 else {
            throw PMIError(
                .mismatch, "the parts were counted with another --after file than this one; give the same file",
                path: after)
        }
        if let minimumCount = given.minimumCount, minimumCount != previous.header.minimumCount {
            throw PMIError(
                .mismatch, "--min-count \(minimumCount) differs from round 1's \(previous.header.minimumCount)",
                path: after)
        }
        var settings = PMISettings()
        settings.maximumLength = previous.header.maximumLength
        settings.scope = previous.header.scope
        settings.minimumCount = previous.header.minimumCount
        if let size = given.size { settings.size = size }
        if let mix = given.mix { settings.mix = mix }
        if let score = given.score { settings.score = score }
        try settings.validate()
        var distinct = 0
        let level = try frequentLevel(
            runs: readers.map { CountFilePairRun(reader: $0) }, length: first.level, settings: settings,
            distinct: &distinct)
        for reader in readers { try reader.expectEnd() }
        let levels = previous.levels + [level]
        if first.level < settings.maximumLength {
            var header = previous.header
            header.level = first.level
            header.pairLengths = Array(2...first.level)
            try writeCounts(
                header: header, vocabulary: previous.vocabulary.text, words: previous.words.run, levels: levels,
                to: output)
            summary.documents = header.documents
            summary.totals = header.totals
            summary.distinct = [distinct]
            summary.candidates = [previous.words.count] + levels.map(\.count)
            return (first.level, false, summary)
        }
        let table = makeTable(
            settings: settings, identity: previous.header.identity, vocabulary: previous.vocabulary,
            documents: previous.header.documents, totals: previous.header.totals, words: previous.words,
            levels: levels, summary: &summary)
        summary.distinct = [distinct]
        try table.write(to: output)
        return (first.level, true, summary)
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    static func writeCounts(
        header: CountFileHeader, vocabulary: [UInt8], words: WordRun, levels: [NgramLevel], to path: String
    ) throws(PMIError) {
        var header = header
        header.vocabularyBytes = vocabulary.count
        let writer = try CountFileWriter(path: path, header: header.json)
        do {
            writer.append(vocabulary)
            try writer.appendWords(words)
            for level in levels { try writer.appendPairs(keys: level.keys, counts: level.counts) }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }
}
