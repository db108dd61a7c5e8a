import Foundation
import MLMCore
import MLMTestSupport
import Testing
@testable import MLMPMI

@Suite("PMI building blocks")
struct PMIPartsTests {
    let directory = TemporaryDirectory()

    @Test func quotasAndDefaultMix() throws {
        var settings = PMISettings()
        #expect(settings.effectiveMix == [50, 25, 12.5, 12.5])
        #expect(settings.quotas == [400_000, 200_000, 100_000, 100_000])
        settings.size = 7
        #expect(settings.quotas == [5, 0, 0, 0] || settings.quotas.reduce(0, +) == 7)
        #expect(settings.quotas == [7 - 1 - 0 - 0, 1, 0, 0])
        settings.size = 1001
        #expect(settings.quotas == [1001 - 250 - 125 - 125, 250, 125, 125])
        #expect(PMISettings.defaultMix(maximumLength: 2) == [100])
        #expect(PMISettings.defaultMix(maximumLength: 3) == [50, 50])
        #expect(PMISettings.defaultMix(maximumLength: 4) == [50, 25, 25])
        func refusal(_ body: () throws -> Void) -> String? {
            let error = #expect(throws: PMIError.self) { try body() }
            #expect(error?.code == .invalidSetting)
            return error?.message
        }
        settings.mix = [50, 50]
        #expect(refusal { try settings.validate() } == "--mix needs 4 percentages (lengths 2…5), got 2")
        settings.mix = [50, 25, 12.5, 10]
        #expect(refusal { try settings.validate() } == "--mix must add up to 100, got 97.5")
        settings.mix = nil
        settings.minimumCount = 0
        #expect(refusal { try settings.validate() } == "--min-count must be at least 1, got 0")
        settings.minimumCount = 1
        settings.maximumLength = 1
        #expect(refusal { try settings.validate() } == "--max-n must be between 2 and 8, got 1")
    }

    @Test func radixSortMatchesSort() {
        var random = CounterRandom(seed: 3, index: 0)
        for count in [0, 1, 2, 255, 256, 1000, 70_000] {
            for spread in [UInt64(50), 1 << 20, UInt64.max] {
                var pairs = (0..<count).map { _ in
                    let key = UInt64.random(in: 0...spread, using: &random)
                    return KeyCount(key: key, count: key &* 3 &+ 1)
                }
                let expected = pairs.map(\.key).sorted()
                PairRadixSort.sort(&pairs)
                #expect(pairs.map(\.key) == expected)
                #expect(pairs.allSatisfy { $0.count == $0.key &* 3 &+ 1 })
            }
        }
    }

    @Test func counterSpillsAndMergesExactly() throws {
        let counter = NgramCounter(
            budgetBytes: 1 << 20, spillDirectory: directory.path, spillPrefix: "t", bufferKeys: 4096)
        var expected: [UInt64: UInt64] = [:]
        var random = CounterRandom(seed: 4, index: 0)
        let feeders = [counter.makeFeeder(), counter.makeFeeder()]
        for index in 0..<200_000 {
            let key = UInt64.random(in: 0..<60_000, using: &random) << 32 | UInt64.random(in: 0..<3, using: &random)
            try feeders[index % 2].add(key)
            expected[key, default: 0] += 1
        }
        for feeder in feeders { try feeder.flush() }
        #expect(counter.spillCount > 0)
        var merger = SortedRunMerger(counter.finish())
        var seen: [(UInt64, UInt64)] = []
        try merger.forEach { (key, count) throws(PMIError) in seen.append((key, count)) }
        #expect(seen.map(\.0) == expected.keys.sorted())
        #expect(seen.allSatisfy { expected[$0.0] == $0.1 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func wordRunsMergeInOrder() {
        var first = WordRun()
        first.append([5], count: 1)
        first.append([5, 7], count: 2)
        first.append([9], count: 3)
        var second = WordRun()
        second.append([5, 7], count: 5)
        second.append([6], count: 1)
        let merged = WordRun.merge([first, second])
        #expect((0..<merged.count).map { Array(merged.word($0)) } == [[5], [5, 7], [6], [9]])
        #expect(merged.counts == [1, 7, 1, 3])
        #expect(WordRun.merge([first, second], minimumCount: 3).counts == [7, 3])
    }

    @Test func segmentsSplitAtDocumentsAndSentences() {
        // doc 0: [w(0,1) w(2)] | sentence [w(3)]; doc 1 empty; doc 2: [w(4)]
        let flags: [UInt8] = [3, 0, 1, 3, 3]
        var segments = WordSegments()
        flags.withUnsafeBufferPointer { segments.split(flags: $0, documentOffsets: [0, 4, 4, 5], scope: .sentence) }
        #expect(segments.segmentWordCounts == [2, 1, 1])
        #expect(segments.bounds == [0, 2, 3, 3, 4, 4, 5])
        flags.withUnsafeBufferPointer { segments.split(flags: $0, documentOffsets: [0, 4, 4, 5], scope: .document) }
        #expect(segments.segmentWordCounts == [3, 1])
    }

    @Test func tableRoundTripsAndRejectsDamage() throws {
        let entries: [PMITableBuilder.Entry] = [
            .init(text: "new york", length: 2, count: 12, score: 9.837_123_456_789_012),
            .init(text: "ça va", length: 2, count: 10, score: -0.1),
            .init(text: "a b c", length: 3, count: 11, score: 1e-17),
        ]
        let table = PMITable(header: ["format": "mlmprep.pmi", "version": 1, "vocab_sha256": "abc"], entries: entries)
        let path = directory.file("t.table")
        try table.write(to: path)
        let read = try PMITable.read(path: path)
        #expect(read.entries == entries)
        #expect(read.vocabularySHA256 == "abc")
        let other = #expect(throws: PMIError.self) { try read.checkVocabulary(sha256: "other", tablePath: path) }
        #expect(other?.code == .mismatch && other?.path == path)
        let otherVocabulary = "the PMI table was counted with another vocab.txt (sha256 abc…) than this store's (other…)"
        #expect(other?.message.hasPrefix(otherVocabulary) == true)
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes.removeLast(3)
        let cut = directory.write("cut.table", Array(bytes))
        let truncated = #expect(throws: PMIError.self) { try PMITable.read(path: cut) }
        #expect(truncated?.code == .invalidFile && truncated?.path == cut)
        let plain = directory.write("plain.table", Array("hello\n".utf8))
        let notZstd = #expect(throws: PMIError.self) { try PMITable.read(path: plain) }
        #expect(notZstd?.code == .invalidFile && notZstd?.message.hasPrefix("not zstd data") == true)
    }

    @Test func wordTextStripsThePrefixByBytes() throws {
        // "##ी": the second "#" and the vowel sign are one Character, so a Character-based prefix test fails.
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "क", "##ी", "##ज", "##s", "cat"]
        let builder = PMITableBuilder(
            settings: PMISettings(), words: WordTable(run: WordRun(), vocabularySize: tokens.count), levels: [],
            totals: [1], tokens: tokens)
        #expect(String(decoding: builder.wordText([5, 6]), as: UTF8.self) == "की")
        #expect(String(decoding: builder.wordText([5, 7, 6]), as: UTF8.self) == "कजी")
        #expect(String(decoding: builder.wordText([9, 8]), as: UTF8.self) == "cats")
    }
}
