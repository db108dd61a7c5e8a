import MLMCore
import MLMMasking
import Testing

/// The mask/random/keep split, per unit and per token, and where random ids come from.
@Suite struct MaskerReplacementTests {
    struct SplitCase: CustomTestStringConvertible, Sendable {
        var replace: ReplacementProbabilities
        var per: ReplacementGranularity
        var testDescription: String { "\(replace.mask)/\(replace.random)/\(replace.keep) per \(per.rawValue)" }
    }

    static let splitCases: [SplitCase] = [ReplacementProbabilities.bert, .maskOnly, .electra].flatMap { replace in
        ReplacementGranularity.allCases.map { SplitCase(replace: replace, per: $0) }
    }

    /// Checks three counts against a multinomial with the given probabilities (each within 4σ).
    static func expectSplit(
        mask: Int,
        random: Int,
        keep: Int,
        probabilities: ReplacementProbabilities,
        what: String
    ) {
        let total = mask + random + keep
        for (observed, p, name) in [
            (mask, probabilities.mask, "mask"), (random, probabilities.random, "random"),
            (keep, probabilities.keep, "keep"),
        ] {
            let expected = Double(total) * p
            let sigma = Tolerance.binomialSigma(trials: total, p: p)
            #expect(
                abs(Double(observed) - expected) <= 4 * sigma,
                "\(what) \(name): \(observed) of \(total), expected \(expected) ± \(sigma)"
            )
        }
    }

    @Test("the split follows --replace, per unit and per token", arguments: splitCases)
    func split(_ testCase: SplitCase) throws {
        let settings = MaskingSettings(
            strategy: .word,
            rate: 0.4,
            replace: testCase.replace,
            replacePer: testCase.per,
            seed: 13
        )
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        masker.recordsUnits = true
        var unitCounts = [ReplacementAction: Int]()
        var statistics = MaskingStatistics()
        // ≥ 10^5 units (about 80 words selected per sequence of 512 tokens).
        for index in 0..<1300 {
            let (tokens, flags) = Synthetic.sequence(length: 512, index: UInt64(index))
            statistics.add(masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics)
            for unit in masker.unitRecords where unit.taken {
                if let action = unit.action { unitCounts[action, default: 0] += 1 }
            }
        }
        let kept = statistics.keptButPredicted
        #expect(statistics.maskedWithMask + statistics.randomReplaced + kept == statistics.selectedTokens)
        #expect(statistics.selectedUnits >= 100_000)
        if testCase.per == .unit {
            Self.expectSplit(
                mask: unitCounts[.mask, default: 0],
                random: unitCounts[.random, default: 0],
                keep: unitCounts[.keep, default: 0],
                probabilities: testCase.replace,
                what: "units"
            )
        } else {
            #expect(unitCounts.isEmpty)
            Self.expectSplit(
                mask: statistics.maskedWithMask,
                random: statistics.randomReplaced,
                keep: kept,
                probabilities: testCase.replace,
                what: "tokens"
            )
        }
        if testCase.replace.random == 0 { #expect(statistics.randomReplaced == 0) }
        if testCase.replace.keep == 0 { #expect(kept == 0) }
    }

    /// Counts per id, non-special ids 5..<25; id 7 and id 12 never occur; special id 2 has a large count.
    static let counts: [UInt64] = (0..<25).map { id in
        if id == 2 { return 1_000_000 }
        if id < 5 || id == 7 || id == 12 { return 0 }
        return UInt64(1 + (id * 37) % 50)
    }

    @Test("unigram random ids follow the counts (chi-square) and never draw specials or unseen ids")
    func unigramFollowsCounts() throws {
        let vocabulary = MaskingVocabulary(
            maskID: Synthetic.maskID,
            randomIDs: Array(5..<25),
            unigramCounts: Self.counts
        )
        let settings = MaskingSettings(
            rate: 0.4,
            replace: ReplacementProbabilities(mask: 0, random: 1, keep: 0),
            randomFrom: .unigram,
            seed: 17
        )
        let masker = try Masker(settings: settings, vocabulary: vocabulary)
        var drawn = [Int](repeating: 0, count: 25)
        var total = 0
        for index in 0..<600 {
            let (tokens, flags) = Synthetic.sequence(length: 512, index: UInt64(index))
            let masked = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index))
            for position in 0..<tokens.count where masked.labels[position] != -100 {
                drawn[Int(masked.inputIDs[position])] += 1
                total += 1
            }
        }
        #expect(total >= 100_000)
        let allowed = (5..<25).filter { Self.counts[$0] > 0 }
        for id in 0..<25 where !allowed.contains(id) { #expect(drawn[id] == 0, "id \(id) was drawn") }
        let weight = Double(allowed.reduce(0) { $0 + Self.counts[$1] })
        let expected = allowed.map { Double(total) * Double(Self.counts[$0]) / weight }
        let chi = Tolerance.chiSquare(observed: allowed.map { drawn[$0] }, expected: expected)
        let critical = Tolerance.chiSquareCritical(degrees: allowed.count - 1)
        #expect(chi <= critical, "chi-square \(chi) > \(critical)")
    }

    @Test("uniform random ids are uniform over the non-special ids (chi-square)")
    func uniformIsUniform() throws {
        let vocabulary = MaskingVocabulary(maskID: Synthetic.maskID, randomIDs: Array(5..<55))
        let settings = MaskingSettings(
            strategy: .span,
            rate: 0.4,
            replace: ReplacementProbabilities(mask: 0, random: 1, keep: 0),
            seed: 19
        )
        let masker = try Masker(settings: settings, vocabulary: vocabulary)
        var drawn = [Int](repeating: 0, count: 1005)
        var total = 0
        for index in 0..<600 {
            let (tokens, flags) = Synthetic.sequence(length: 512, index: UInt64(index))
            let masked = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index))
            for position in 0..<tokens.count where masked.labels[position] != -100 {
                drawn[Int(masked.inputIDs[position])] += 1
                total += 1
            }
        }
        #expect(total >= 100_000)
        #expect(drawn[0..<5].allSatisfy { $0 == 0 })
        #expect(drawn[55...].allSatisfy { $0 == 0 })
        let chi = Tolerance.chiSquare(
            observed: Array(drawn[5..<55]),
            expected: Array(repeating: Double(total) / 50, count: 50)
        )
        let critical = Tolerance.chiSquareCritical(degrees: 49)
        #expect(chi <= critical, "chi-square \(chi) > \(critical)")
    }
}
