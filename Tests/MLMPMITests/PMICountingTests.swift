import Foundation
import MLMCore
import MLMTestSupport
import Testing
@testable import MLMPMI

@Suite("PMI counting and scores")
struct PMICountingTests {
    let directory = TemporaryDirectory()

    func options(_ settings: PMISettings, vocabularySize: Int, threads: Int = 1, slice: WorkerSlice = .all)
        -> CountingOptions
    {
        var options = CountingOptions(
            settings: settings, temporaryDirectory: directory.path, vocabularySize: vocabularySize)
        options.threads = threads
        options.slice = slice
        return options
    }

    let identity = StoreIdentity(manifestSHA256: "m", vocabularySHA256: "v", documents: 0, tokens: 0, records: 0)

    func build(_ documents: [[[[UInt32]]]], _ settings: PMISettings, vocabularySize: Int, threads: Int = 1,
               memoryLimit: Int? = nil, perRecord: Int = 2) throws -> (PMITable, PMIRunSummary)
    {
        let source = MemoryRecordSource(records: CorpusBuilder.records(documents, perRecord: perRecord))
        var options = options(settings, vocabularySize: vocabularySize, threads: threads)
        if let memoryLimit {
            options.memoryLimit = memoryLimit
            options.reservedBytes = 0
        }
        return try PMIRounds.buildTable(
            source: source, identity: identity, vocabulary: CorpusBuilder.vocabulary(size: vocabularySize),
            options: options)
    }

    /// Three documents over a, b, c (ids 5, 6, 7) and the two-token word "ax" (5, 8 = "##x"), counted by hand.
    @Test func handComputedCountsAndScores() throws {
        let a: [UInt32] = [5], b: [UInt32] = [6], c: [UInt32] = [7], ax: [UInt32] = [5, 8]
        let documents: [[[[UInt32]]]] = [[[a, b, c], [a, b]], [[a, b, c]], [[ax, b]]]
        var settings = PMISettings()
        settings.maximumLength = 3
        settings.minimumCount = 1
        settings.size = 100
        let vocabulary = PMIVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "##x"])
        let source = MemoryRecordSource(records: CorpusBuilder.records(documents))
        let (table, summary) = try PMIRounds.buildTable(
            source: source, identity: identity, vocabulary: vocabulary, options: options(settings, vocabularySize: 9))
        // Words: doc 1 has 5, doc 2 has 3, doc 3 has 2 → T1 = 10, T2 = 4 + 2 + 1 = 7, T3 = 3 + 1 + 0 = 4.
        #expect(summary.totals == [10, 7, 4])
        #expect(summary.documents == 3)
        // a 3, b 4, c 2, ax 1; ab 3, bc 2, ca 1, "ax b" 1; abc 2, bca 1, cab 1.
        #expect(summary.candidates == [4, 4, 3])
        let byText = Dictionary(uniqueKeysWithValues: table.entries.map { ($0.text, $0) })
        #expect(byText.count == 7)
        #expect(byText["a b"]?.count == 3)
        #expect(byText["b c"]?.count == 2)
        #expect(byText["c a"]?.count == 1)
        #expect(byText["ax b"]?.count == 1)
        #expect(byText["a b c"]?.count == 2)
        #expect(byText["b c a"]?.count == 1)
        #expect(byText["c a b"]?.count == 1)
        // pmi(ab) = log(3/7) − log(3/10) − log(4/10) = log(300/84).
        #expect(abs(byText["a b"]!.score - log(300.0 / 84.0)) < 1e-12)
        #expect(abs(byText["c a"]!.score - log((1.0 / 7) / (0.2 * 0.3))) < 1e-12)
        #expect(abs(byText["ax b"]!.score - log((1.0 / 7) / (0.1 * 0.4))) < 1e-12)
        // abc: the best split is [ab][c] or [a][bc], both log(6/70); pmi = log(2/4) − log(6/70).
        #expect(abs(byText["a b c"]!.score - log(0.5 / (6.0 / 70))) < 1e-12)
        // bca: splits [b][ca] = log(.4)+log(1/7), [bc][a] = log(2/7)+log(.3); the larger is [bc][a].
        let bca = log(1.0 / 4) - max(log(0.4) + log(1.0 / 7), log(2.0 / 7) + log(0.3))
        #expect(abs(byText["b c a"]!.score - bca) < 1e-12)
        // Each length ranked by score, descending.
        for length in 2...3 {
            let scores = table.entries.filter { $0.length == length }.map(\.score)
            #expect(scores == scores.sorted(by: >))
        }
        // pmi-freq adds ll(g) once more.
        settings.score = .pmiFrequency
        let (weighted, _) = try PMIRounds.buildTable(
            source: source, identity: identity, vocabulary: vocabulary, options: options(settings, vocabularySize: 9))
        let weightedAB = weighted.entries.first { $0.text == "a b" }!
        #expect(abs(weightedAB.score - (log(300.0 / 84.0) + log(3.0 / 7))) < 1e-12)
    }

    @Test func sentenceScopeStopsAtSentenceStarts() throws {
        let a: [UInt32] = [5], b: [UInt32] = [6]
        let documents: [[[[UInt32]]]] = [[[a, b], [a, b]]]
        var settings = PMISettings()
        settings.maximumLength = 2
        settings.minimumCount = 1
        settings.scope = .sentence
        let (table, summary) = try build(documents, settings, vocabularySize: 9)
        #expect(summary.totals == [4, 2])
        #expect(table.entries.map(\.text) == ["w5 w6"])
        settings.scope = .document
        let (whole, wholeSummary) = try build(documents, settings, vocabularySize: 9)
        #expect(wholeSummary.totals == [4, 3])
        #expect(Set(whole.entries.map(\.text)) == ["w5 w6", "w6 w5"])
    }

    @Test(arguments: [
        (1 as UInt64, 2, SegmentScope.document, PMIScore.pmi, 2),
        (2, 3, .sentence, .pmi, 3),
        (3, 5, .document, .pmiFrequency, 2),
        (4, 4, .sentence, .pmiFrequency, 1),
        (5, 5, .sentence, .pmi, 3),
    ])
    func matchesTheReferenceImplementation(
        seed: UInt64, maxN: Int, scope: SegmentScope, score: PMIScore, minCount: Int
    ) throws {
        let documents = CorpusBuilder.random(seed: seed, documents: 300, vocabularySize: 200)
        var settings = PMISettings()
        settings.maximumLength = maxN
        settings.scope = scope
        settings.score = score
        settings.minimumCount = minCount
        settings.size = 500
        let reference = ReferencePMI.table(documents, settings: settings, vocabulary: CorpusBuilder.vocabulary(size: 200))
        let (table, summary) = try build(documents, settings, vocabularySize: 200, threads: 2)
        #expect(summary.totals == reference.totals)
        #expect(summary.candidates == reference.candidates)
        #expect(table.entries.count == reference.entries.count)
        for (mine, theirs) in zip(table.entries, reference.entries) {
            #expect(mine.text == theirs.text)
            #expect(mine.count == theirs.count)
            #expect(abs(mine.score - theirs.score) <= 1e-9)
        }
        #expect(table.entries.count > 50)
    }

    @Test func threadsAndTinyMemoryGiveTheSameTable() throws {
        let documents = CorpusBuilder.random(seed: 9, documents: 6000, vocabularySize: 20000, maxSentences: 8)
        var settings = PMISettings()
        settings.minimumCount = 2
        settings.size = 4000
        let (one, _) = try build(documents, settings, vocabularySize: 20000, threads: 1, perRecord: 50)
        let (three, _) = try build(documents, settings, vocabularySize: 20000, threads: 3, perRecord: 50)
        // 4 MiB: the shared counting tables get under 3 MiB, so the two threads spill sorted runs to disk.
        let (spilled, spilledSummary) = try build(
            documents, settings, vocabularySize: 20000, threads: 2, memoryLimit: 4 << 20, perRecord: 50)
        #expect(one.text() == three.text())
        #expect(spilledSummary.spillFiles > 0)
        #expect(one.text() == spilled.text())
        #expect(one.entries.count == 4000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func workerPartsMergeToTheSameTable() throws {
        let documents = CorpusBuilder.random(seed: 11, documents: 400, vocabularySize: 300)
        var settings = PMISettings()
        settings.maximumLength = 4
        settings.minimumCount = 2
        settings.size = 300
        settings.mix = [40, 30, 30]
        let source = MemoryRecordSource(records: CorpusBuilder.records(documents, perRecord: 7))
        let vocabulary = CorpusBuilder.vocabulary(size: 300)
        let (single, _) = try PMIRounds.buildTable(
            source: source, identity: identity, vocabulary: vocabulary, options: options(settings, vocabularySize: 300))
        for workers in [1, 3, 100] {
            var previous: String? = nil
            var given = PMIRounds.MergeSettings()
            given.minimumCount = 2
            given.size = 300
            given.mix = [40, 30, 30]
            for round in 1...4 {
                var parts: [String] = []
                for worker in 0..<workers {
                    var countingSettings = PMISettings()
                    countingSettings.maximumLength = 4
                    let part = directory.file("w\(workers)-r\(round)-\(worker)")
                    try PMIRounds.countPart(
                        source: source, identity: identity, vocabulary: vocabulary,
                        options: options(countingSettings, vocabularySize: 300, slice: .init(index: worker, count: workers)),
                        after: previous, output: part)
                    parts.append(part)
                }
                let output = directory.file(round == 4 ? "w\(workers).table" : "w\(workers)-c\(round)")
                let (merged, wroteTable, _) = try PMIRounds.merge(
                    parts: parts.reversed(), after: previous, given: given, output: output)
                #expect(merged == round)
                #expect(wroteTable == (round == 4))
                previous = output
            }
            let table = try PMITable.read(path: directory.file("w\(workers).table"))
            #expect(table.text() == single.text())
            let bytes = try #require(FileManager.default.contents(atPath: directory.file("w\(workers).table")))
            let written = directory.file("single-\(workers).table")
            try single.write(to: written)
            #expect(FileManager.default.contents(atPath: written) == bytes)
        }
    }

    @Test func mergeRefusesMissingDuplicateAndForeignParts() throws {
        let documents = CorpusBuilder.random(seed: 12, documents: 50, vocabularySize: 100)
        let source = MemoryRecordSource(records: CorpusBuilder.records(documents, perRecord: 5))
        let vocabulary = CorpusBuilder.vocabulary(size: 100)
        var parts: [String] = []
        for worker in 0..<3 {
            let part = directory.file("p\(worker)")
            try PMIRounds.countPart(
                source: source, identity: identity, vocabulary: vocabulary,
                options: options(PMISettings(), vocabularySize: 100, slice: .init(index: worker, count: 3)),
                after: nil, output: part)
            parts.append(part)
        }
        let missing = #expect(throws: PMIError.self) {
            try PMIRounds.merge(parts: [parts[0], parts[2]], after: nil, given: .init(), output: directory.file("o"))
        }
        #expect(missing?.message.contains("worker 1/3") == true)
        let duplicate = #expect(throws: PMIError.self) {
            try PMIRounds.merge(parts: [parts[0], parts[1], parts[1]], after: nil, given: .init(), output: directory.file("o"))
        }
        #expect(duplicate?.message.contains("twice") == true)
        let other = StoreIdentity(manifestSHA256: "other", vocabularySHA256: "v", documents: 0, tokens: 0, records: 0)
        let foreign = directory.file("foreign")
        try PMIRounds.countPart(
            source: source, identity: other, vocabulary: vocabulary,
            options: options(PMISettings(), vocabularySize: 100, slice: .init(index: 1, count: 3)),
            after: nil, output: foreign)
        let mixed = #expect(throws: PMIError.self) {
            try PMIRounds.merge(parts: [parts[0], foreign, parts[2]], after: nil, given: .init(), output: directory.file("o"))
        }
        #expect(mixed?.code == .mismatch)
        // Round 2 parts without --after, and a damaged part.
        try PMIRounds.merge(parts: parts, after: nil, given: .init(), output: directory.file("c1"))
        let round2 = directory.file("r2")
        try PMIRounds.countPart(
            source: source, identity: identity, vocabulary: vocabulary,
            options: options(PMISettings(), vocabularySize: 100), after: directory.file("c1"), output: round2)
        // Without --after, merge finds the count file the part was counted against; once it is gone, it says so.
        try PMIRounds.merge(parts: [round2], after: nil, given: .init(), output: directory.file("c2"))
        #expect(FileManager.default.fileExists(atPath: directory.file("c2")))
        try FileManager.default.moveItem(atPath: directory.file("c1"), toPath: directory.file("c1-moved"))
        let lost = #expect(throws: PMIError.self) {
            try PMIRounds.merge(parts: [round2], after: nil, given: .init(), output: directory.file("o"))
        }
        // The part names the count file it was counted against: the error names that file.
        #expect(lost?.path == directory.file("c1"))
        #expect(lost?.message.hasPrefix("cannot open the file: No such file or directory") == true)
        try FileManager.default.moveItem(atPath: directory.file("c1-moved"), toPath: directory.file("c1"))
        var bytes = try #require(FileManager.default.contents(atPath: round2))
        bytes.removeLast(5)
        let cut = directory.write("cut", Array(bytes))
        let damaged = #expect(throws: PMIError.self) {
            try PMIRounds.merge(parts: [cut], after: directory.file("c1"), given: .init(), output: directory.file("o"))
        }
        #expect(damaged?.code == .invalidFile && damaged?.path == cut)
        #expect(damaged?.message == "the data ends early; the file is damaged or cut short: write it again")
        #expect(!FileManager.default.fileExists(atPath: directory.file("o")))
    }
}
