import Testing
@testable import MLMVocab

@Suite("WordPiece trainer")
struct WordPieceTrainerTests {
    func table(_ counts: [(String, Int)]) -> WordCountTable {
        var table = WordCountTable()
        for (word, count) in counts {
            var bytes = Array(word.utf8)
            bytes.withUnsafeMutableBufferPointer { table.add(UnsafeBufferPointer($0), count: count) }
        }
        return table
    }

    func train(_ counts: [(String, Int)], size: Int = 100, minFrequency: Int = 0, limit: Int? = nil,
               specials: [String] = ["[UNK]"]) throws -> [String] {
        var settings = WordPieceTrainerSettings()
        settings.vocabSize = size
        settings.minFrequency = minFrequency
        settings.limitAlphabet = limit
        settings.specialTokens = specials
        return try WordPieceTrainer(settings: settings).train(table(counts)).tokens
    }

    let classic = [("low", 5), ("lower", 2), ("newest", 6), ("widest", 3)]
    let initial = ["[UNK]", "d", "e", "i", "l", "n", "o", "r", "s", "t", "w",
                   "##d", "##e", "##i", "##o", "##r", "##s", "##t", "##w"]
    // Worked by hand from BpeTrainer::do_train: (##e,##s) 9 beats (##s,##t) 9 on the lower pair; stale entries
    // go back with their current count; (l,##o) 7 beats (##o,##w) 7; and so on.
    let merged = ["##es", "##est", "lo", "low", "ne", "##west", "newest", "wi", "##dest", "widest", "##er", "lower"]

    @Test("merges the classic example in the hand-computed order")
    func handExample() throws {
        #expect(try train(classic) == initial + merged)
    }

    @Test("stops at the vocabulary size, counting every token", arguments: [1, 19, 20, 25, 30])
    func stopsAtSize(size: Int) throws {
        #expect(try train(classic, size: size) == initial + merged.prefix(max(size - initial.count, 0)))
    }

    @Test("stops when the best pair is below the minimum frequency")
    func minimumFrequency() throws {
        #expect(try train(classic, minFrequency: 7) == initial + ["##es", "##est", "lo", "low"])
        #expect(try train(classic, minFrequency: 10) == initial)
        // A pair seen exactly min-frequency times is merged.
        #expect(try train([("ab", 2)], minFrequency: 2) == ["[UNK]", "a", "b", "##b", "ab"])
        #expect(try train([("ab", 1)], minFrequency: 2) == ["[UNK]", "a", "b", "##b"])
    }

    @Test("limit_alphabet keeps the most frequent characters and drops the others from words")
    func limitAlphabet() throws {
        // x: 1, y: 2 (tie with z: keep the lower code point), a: 10, b: 10.
        let counts = [("ab", 10), ("ax", 1), ("yz", 2)]
        let tokens = try train(counts, size: 6, limit: 3)
        #expect(Array(tokens.prefix(4)) == ["[UNK]", "a", "b", "y"])
        // "yz" loses z; "ax" loses x; "ab" gives ##b; only a, b, y remain in the alphabet.
        #expect(tokens.contains("##b") && !tokens.contains("x") && !tokens.contains("z"))
        #expect(tokens.last == "ab")
    }

    @Test("a word that loses its first character starts with a continuation token")
    func droppedFirstCharacter() throws {
        let tokens = try train([("qab", 1), ("ab", 5), ("cab", 5)], limit: 3)
        // q (1) is dropped: "qab" becomes ##a ##b.
        #expect(tokens.contains("##a"))
        #expect(!tokens.contains("q"))
    }

    @Test("special tokens come first and are not repeated by the alphabet")
    func specials() throws {
        let tokens = try train([("ab", 3)], specials: ["[PAD]", "[UNK]", "a"])
        #expect(tokens == ["[PAD]", "[UNK]", "a", "b", "##b", "ab"])
    }

    @Test("the result does not depend on the order words were added")
    func orderIndependent() throws {
        var generator = PairQueueTests.Generator(state: 7)
        var counts: [(String, Int)] = []
        var seen = Set<String>()
        for _ in 0..<400 {
            let length = 1 + Int(generator.next() % 7)
            let word = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(0x61 + generator.next() % 6))) })
            if seen.insert(word).inserted { counts.append((word, 1 + Int(generator.next() % 5))) }
        }
        let forward = try train(counts, size: 300, minFrequency: 2)
        let backward = try train(counts.reversed(), size: 300, minFrequency: 2)
        #expect(forward == backward)
        #expect(forward.count == 300)
    }

    @Test("reference order: the ## block follows it, a reference that does not fit is refused")
    func reference() throws {
        var settings = WordPieceTrainerSettings()
        settings.specialTokens = ["[UNK]"]
        settings.minFrequency = 0
        settings.reference = ReferenceOrder(
            tokens: ["[UNK]", "a", "b", "##b", "##a", "ab"], specialTokens: ["[UNK]"])
        let tokens = try WordPieceTrainer(settings: settings).train(table([("ab", 2), ("ba", 1)])).tokens
        #expect(Array(tokens.prefix(5)) == ["[UNK]", "a", "b", "##b", "##a"])
        settings.reference = ReferenceOrder(alphabet: [0x61, 0x62], continuations: [0x62])
        #expect(throws: VocabError.self) {
            try WordPieceTrainer(settings: settings).train(table([("ab", 2), ("ba", 1)]))
        }
    }

    @Test("bad settings and empty input are refused")
    func errors() {
        var settings = WordPieceTrainerSettings()
        settings.vocabSize = 0
        #expect(throws: VocabError.self) { try WordPieceTrainer(settings: settings) }
        settings = WordPieceTrainerSettings()
        settings.specialTokens = ["[UNK]", "[UNK]"]
        #expect(throws: VocabError.self) { try WordPieceTrainer(settings: settings) }
        #expect(throws: VocabError.self) {
            try WordPieceTrainer(settings: WordPieceTrainerSettings()).train(WordCountTable())
        }
    }
}
