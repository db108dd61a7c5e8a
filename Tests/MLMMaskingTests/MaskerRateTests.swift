import MLMCore
import MLMMasking
import Testing

/// Realised rates against the definitions: E[selected] = rate · candidates for every strategy.
@Suite struct MaskerRateTests {
    struct RateCase: CustomTestStringConvertible, Sendable {
        var strategy: MaskingStrategy
        var rate: Double
        var length: Int
        var testDescription: String { "\(strategy.rawValue) rate \(rate) L=\(length)" }
    }

    static let rateCases: [RateCase] = [MaskingStrategy.token, .word, .span].flatMap { strategy in
        [0.15, 0.4].flatMap { rate in [32, 512].map { RateCase(strategy: strategy, rate: rate, length: $0) } }
    }

    /// Masks `count` synthetic sequences and sums d = predicted − rate·candidates and d².
    static func deviations(
        _ masker: Masker,
        length: Int,
        count: Int,
        rate: Double
    ) -> (predicted: Int, candidates: Int, sum: Double, squares: Double) {
        var predicted = 0
        var candidates = 0
        var sum = 0.0
        var squares = 0.0
        for index in 0..<count {
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            let statistics = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics
            let d = Double(statistics.predicted) - rate * Double(statistics.candidates)
            predicted += statistics.predicted
            candidates += statistics.candidates
            sum += d
            squares += d * d
        }
        return (predicted, candidates, sum, squares)
    }

    @Test("realised prediction rate equals the rate (within 4σ and 0.2 points)", arguments: rateCases)
    func realisedRate(_ testCase: RateCase) throws {
        let settings = MaskingSettings(strategy: testCase.strategy, rate: testCase.rate, seed: 11)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        // About 2^20 candidates per case, so ≥ 10^5 units even for spans; spans in short sequences vary more
        // per sequence (a refused last span is a large share), so they get 4× more to keep 4σ near 0.2 points.
        let count = (1 << 20) / testCase.length * (testCase.strategy == .span && testCase.length < 64 ? 4 : 1)
        let result = Self.deviations(masker, length: testCase.length, count: count, rate: testCase.rate)
        let realised = Double(result.predicted) / Double(result.candidates)
        // Each sequence's deviation has mean 0 exactly; its variance is estimated from the d² (studentised).
        let sigma = result.squares.squareRoot() / Double(result.candidates)
        #expect(abs(realised - testCase.rate) <= 4 * sigma, "realised \(realised), σ \(sigma)")
        #expect(abs(realised - testCase.rate) <= 0.002, "realised \(realised), σ \(sigma)")
    }

    @Test(
        "C > P: selection at C, each selected token predicted with probability P/C",
        arguments: [MaskingStrategy.token, .word]
    )
    func corruptMoreThanPredict(_ strategy: MaskingStrategy) throws {
        let settings = MaskingSettings(strategy: strategy, predictRate: 0.15, corruptRate: 0.4, seed: 29)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        #expect(masker.copies == 1)
        var total = MaskingStatistics()
        var sum = 0.0
        var squares = 0.0
        for index in 0..<400 {
            let (tokens, flags) = Synthetic.sequence(length: 512, index: UInt64(index))
            let statistics = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics
            let d = Double(statistics.selectedTokens) - 0.4 * Double(statistics.candidates)
            sum += d
            squares += d * d
            total.add(statistics)
        }
        #expect(abs(sum) <= 4 * squares.squareRoot(), "selected deviates by \(sum)")
        let q = 0.15 / 0.4
        let expectedPredicted = q * Double(total.selectedTokens)
        let sigma = Tolerance.binomialSigma(trials: total.selectedTokens, p: q)
        #expect(abs(Double(total.predicted) - expectedPredicted) <= 4 * sigma)
        #expect(abs(Double(total.predicted) / Double(total.candidates) - 0.15) <= 0.002)
        // Every selected token is corrupted per 80-10-10, labelled or not.
        let corruptedSigma = Tolerance.binomialSigma(trials: total.selectedTokens, p: 0.9)
        #expect(abs(Double(total.corrupted) - 0.9 * Double(total.selectedTokens)) <= 4 * corruptedSigma)
        #expect(total.corruptedButNotPredicted > 0)
        #expect(total.predicted + total.corruptedButNotPredicted <= total.selectedTokens)
    }

    @Test("P > C: ⌈P/C⌉ copies whose labels split the selection at rate P", arguments: [MaskingStrategy.token, .span])
    func predictMoreThanCorrupt(_ strategy: MaskingStrategy) throws {
        let settings = MaskingSettings(strategy: strategy, predictRate: 0.4, corruptRate: 0.15, seed: 31)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        #expect(masker.copies == 3)
        var union = 0
        var candidates = 0
        var sum = 0.0
        var squares = 0.0
        var perCopyUnits = [0, 0, 0]
        for index in 0..<400 {
            let (tokens, flags) = Synthetic.sequence(length: 512, index: UInt64(index))
            var labelled = Set<Int>()
            var count = 0
            for copy in 0..<3 {
                let masked = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index), copy: copy)
                for position in 0..<tokens.count where masked.labels[position] != -100 {
                    #expect(labelled.insert(position).inserted, "copies share label \(position)")
                    count += 1
                }
                perCopyUnits[copy] += masked.statistics.selectedUnits
            }
            let sequenceCandidates = Synthetic.candidates(flags)
            let d = Double(count) - 0.4 * Double(sequenceCandidates)
            sum += d
            squares += d * d
            candidates += sequenceCandidates
            union += count
        }
        #expect(abs(sum) <= 4 * squares.squareRoot(), "union deviates by \(sum)")
        #expect(abs(Double(union) / Double(candidates) - 0.4) <= 0.002)
        let units = perCopyUnits.reduce(0, +)
        for copy in 0..<3 {
            let sigma = Tolerance.binomialSigma(trials: units, p: 1.0 / 3)
            #expect(abs(Double(perCopyUnits[copy]) - Double(units) / 3) <= 4 * sigma)
        }
    }

    @Test(
        "ELECTRA's count: max(1, min(cap, round-half-even(n·rate)))",
        arguments: [
            (128, 19, 19), (10, nil, 2), (30, nil, 4), (50, nil, 8), (3, nil, 1), (512, 79, 77), (1000, 79, 79),
        ] as [(Int, Int?, Int)]
    )
    func electraCount(realTokens: Int, cap: Int?, expected: Int) {
        #expect(Masker.electraDraws(realTokens: realTokens, rate: 0.15, cap: cap) == expected)
    }

    @Test("ELECTRA draws with replacement: distinct positions average N(1 − (1 − 1/N)^c)")
    func electraDistinct() throws {
        let settings = MaskingPreset.electra.settings(sequenceLength: 128, seed: 37)
        #expect(settings.maxPredictions == 19)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        var sum = 0.0
        var squares = 0.0
        var maskSum = 0.0
        var maskSquares = 0.0
        var total = MaskingStatistics()
        for index in 0..<6000 {
            let length = 20 + index % 109
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            let statistics = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics
            let n = Double(statistics.candidates)
            let draws = Double(Masker.electraDraws(realTokens: length, rate: 0.15, cap: 19))
            let expected = n * (1 - pow(1 - 1 / n, draws))
            #expect(statistics.predicted <= Int(draws))
            let d = Double(statistics.predicted) - expected
            sum += d
            squares += d * d
            // A position is [MASK] when any of its samples chose [MASK]: each draw hits it with a [MASK] coin
            // with probability 0.85/N, so E[masked] = N(1 − (1 − 0.85/N)^c).
            let m = Double(statistics.maskedWithMask) - n * (1 - pow(1 - 0.85 / n, draws))
            maskSum += m
            maskSquares += m * m
            total.add(statistics)
        }
        #expect(abs(sum) <= 4 * squares.squareRoot(), "distinct positions deviate by \(sum)")
        #expect(total.randomReplaced == 0)
        #expect(abs(maskSum) <= 4 * maskSquares.squareRoot(), "[MASK] positions deviate by \(maskSum)")
        #expect(Double(total.maskedWithMask) > 0.85 * Double(total.predicted))
        // One candidate: exactly one prediction.
        let single = masker.mask(
            tokens: [Synthetic.cls, 77, Synthetic.sep],
            flags: [TokenFlags.special.rawValue, TokenFlags.wordStart.rawValue, TokenFlags.special.rawValue],
            sequenceIndex: 0
        )
        #expect(single.statistics.predicted == 1)
        #expect(single.labels == [-100, 77, -100])
    }

    @Test("--max-predictions caps the selection", arguments: [MaskingStrategy.token, .word, .span])
    func maxPredictions(_ strategy: MaskingStrategy) throws {
        let settings = MaskingSettings(strategy: strategy, rate: 0.4, maxPredictions: 5, seed: 41)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        for index in 0..<200 {
            let (tokens, flags) = Synthetic.sequence(length: 512, index: UInt64(index))
            let statistics = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics
            #expect(statistics.predicted <= 5)
            if strategy == .token { #expect(statistics.predicted == 5) }
        }
        let bert = try Masker(
            settings: MaskingPreset.bert.settings(sequenceLength: 128),
            vocabulary: Synthetic.vocabulary
        )
        for index in 0..<200 {
            let (tokens, flags) = Synthetic.sequence(length: 128, index: UInt64(index))
            #expect(bert.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics.predicted <= 20)
        }
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    // Integer exponents only (the draw counts).
    var result = 1.0
    for _ in 0..<Int(exponent) { result *= base }
    return result
}
