import MLMCore
import MLMMasking
import Testing

/// PMI units: table n-grams, longest first, equal-length overlaps at random, other words alone.
@Suite struct PMIUnitTests {
    static let w = TokenFlags.wordStart.rawValue
    static let s = TokenFlags.special.rawValue

    /// `[CLS] a b b' c d [SEP]` with words a = [10], b = [11, 12], c = [13], d = [14].
    static let tokens: [UInt32] = [Synthetic.cls, 10, 11, 12, 13, 14, Synthetic.sep]
    static let flags: [UInt8] = [s, w, w, 0, w, w, s]

    static func masker(_ ngrams: [[[UInt32]]], seed: UInt64 = 1) throws -> Masker {
        try Masker(
            settings: MaskingSettings(strategy: .pmi, rate: 0.15, seed: seed),
            vocabulary: Synthetic.vocabulary,
            unitMatcher: WordNgramSetMatcher(ngrams: ngrams)
        )
    }

    @Test("the set matcher finds every listed n-gram, by first word then length")
    func matcherFindsNgrams() {
        let matcher = WordNgramSetMatcher(ngrams: [
            [[10], [11, 12]], [[10], [11, 12], [13]], [[13], [14]], [[11, 12], [13]], [[11], [13]],
        ])
        #expect(matcher.maxWords == 3)
        var matches: [UnitMatch] = []
        let starts: [Int32] = [1, 2, 4, 5]
        let ends: [Int32] = [2, 4, 5, 6]
        Self.tokens.withUnsafeBufferPointer { tokens in
            Self.flags.withUnsafeBufferPointer { flags in
                starts.withUnsafeBufferPointer { starts in
                    ends.withUnsafeBufferPointer { ends in
                        matcher.appendMatches(
                            tokens: tokens,
                            flags: flags,
                            wordStarts: starts,
                            wordEnds: ends,
                            to: &matches
                        )
                    }
                }
            }
        }
        #expect(
            matches == [
                UnitMatch(firstWord: 0, wordCount: 2), UnitMatch(firstWord: 0, wordCount: 3),
                UnitMatch(firstWord: 1, wordCount: 2), UnitMatch(firstWord: 2, wordCount: 2),
            ]
        )
    }

    @Test("the longest match wins; overlapping shorter ones are dropped; other words stay alone")
    func longestFirst() throws {
        let masker = try Self.masker([[[10], [11, 12]], [[10], [11, 12], [13]], [[13], [14]], [[11, 12], [13]]])
        for index in 0..<20 {
            #expect(
                masker.units(tokens: Self.tokens, flags: Self.flags, sequenceIndex: UInt64(index)) == [1..<5, 5..<6]
            )
        }
    }

    @Test("equal-length overlaps are resolved at random, each side half the time")
    func overlapsAtRandom() throws {
        // "a b c d": (a b) and (b c) overlap; (c d) overlaps (b c) only.
        let masker = try Self.masker([[[10], [11, 12]], [[11, 12], [13]], [[13], [14]]])
        var outcomes: [[Range<Int>]: Int] = [:]
        let trials = 20_000
        for index in 0..<trials {
            outcomes[masker.units(tokens: Self.tokens, flags: Self.flags, sequenceIndex: UInt64(index)), default: 0] +=
                1
        }
        // A random order of the three bigrams, taken greedily: (a b)(c d) unless (b c) comes first (1/3).
        #expect(outcomes.count == 2)
        let pairs = outcomes[[1..<4, 4..<6], default: 0]
        let middle = outcomes[[1..<2, 2..<5, 5..<6], default: 0]
        #expect(pairs + middle == trials)
        let sigma = Tolerance.binomialSigma(trials: trials, p: 1.0 / 3)
        #expect(abs(Double(middle) - Double(trials) / 3) <= 4 * sigma, "middle chosen \(middle) times")
    }

    @Test("matches never cross a special token and must match every id of every word")
    func noCrossingSpecials() throws {
        let tokens: [UInt32] = [Synthetic.cls, 10, 11, 12, Synthetic.sep, 13, 14, Synthetic.sep]
        let flags: [UInt8] = [Self.s, Self.w, Self.w, 0, Self.s, Self.w, Self.w, Self.s]
        let masker = try Self.masker([[[11, 12], [13]], [[10], [11]], [[13], [14]]])
        #expect(masker.units(tokens: tokens, flags: flags, sequenceIndex: 0) == [1..<2, 2..<4, 5..<7])
    }

    @Test("PMI units are selected whole")
    func unitsSelectedWhole() throws {
        let masker = try Self.masker([[[10], [11, 12], [13]]], seed: 9)
        masker.recordsUnits = true
        var taken = 0
        for index in 0..<2000 {
            _ = masker.mask(tokens: Self.tokens, flags: Self.flags, sequenceIndex: UInt64(index))
            for unit in masker.unitRecords where unit.taken {
                #expect([1..<5, 5..<6].contains(unit.start..<unit.end))
                taken += 1
            }
        }
        #expect(taken > 0)
    }

    /// A table of 2- to 4-word n-grams taken at every 3rd word of the sequences that will be masked, so that
    /// matches (and overlaps between them) are frequent.
    static func tableFor(length: Int, count: Int) -> WordNgramSetMatcher {
        var ngrams: [[[UInt32]]] = []
        for index in 0..<count {
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            let words = Synthetic.words(flags)
            var position = 0
            while position + 4 <= words.count {
                let size = 2 + (position / 3) % 3
                ngrams.append(words[position..<(position + size)].map { Array(tokens[$0]) })
                position += 3
            }
        }
        return WordNgramSetMatcher(ngrams: ngrams)
    }

    @Test(
        "PMI masking: realised rate equals the rate (within 4σ and 0.2 points), units whole and disjoint",
        arguments: [(0.15, 64), (0.4, 64), (0.15, 512), (0.4, 512)])
    func realisedRate(rate: Double, length: Int) throws {
        let count = (1 << 19) / length
        let masker = try Masker(
            settings: MaskingSettings(strategy: .pmi, rate: rate, seed: 5), vocabulary: Synthetic.vocabulary,
            unitMatcher: Self.tableFor(length: length, count: count))
        masker.recordsUnits = true
        var predicted = 0
        var candidates = 0
        var squares = 0.0
        var multiWordUnits = 0
        for index in 0..<count {
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            let statistics = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics
            predicted += statistics.predicted
            candidates += statistics.candidates
            let d = Double(statistics.predicted) - rate * Double(statistics.candidates)
            squares += d * d
            // Units tile the candidates without overlapping; every taken unit is predicted whole.
            let units = masker.unitRecords.sorted { $0.start < $1.start }
            for (first, second) in zip(units, units.dropFirst()) { #expect(first.end <= second.start) }
            let words = Synthetic.words(flags)
            multiWordUnits += units.filter { unit in words.filter { unit.start..<unit.end ~= $0.lowerBound }.count > 1 }.count
        }
        let realised = Double(predicted) / Double(candidates)
        let sigma = squares.squareRoot() / Double(candidates)
        #expect(abs(realised - rate) <= 4 * sigma, "realised \(realised), σ \(sigma)")
        #expect(abs(realised - rate) <= 0.002, "realised \(realised), σ \(sigma)")
        #expect(multiWordUnits > count, "table matches became units")
    }
}
