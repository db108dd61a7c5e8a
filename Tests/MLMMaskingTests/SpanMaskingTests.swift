import MLMCore
import MLMMasking
import Testing

/// SpanBERT spans: lengths in words from the truncated geometric, whole words, no overlap.
@Suite struct SpanMaskingTests {
    /// P(ℓ) ∝ p(1−p)^(ℓ−min) on min…max.
    static func geometric(p: Double, minimum: Int, maximum: Int) -> [Double] {
        let weights = (minimum...maximum).map { length in
            (0..<(length - minimum)).reduce(p) { value, _ in value * (1 - p) }
        }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    @Test("the truncated geometric at p = 0.2 on 1…10 has mean 3.80")
    func referenceDistribution() {
        let probabilities = Self.geometric(p: 0.2, minimum: 1, maximum: 10)
        let mean = zip(1...10, probabilities).reduce(0) { $0 + Double($1.0) * $1.1 }
        #expect(abs(mean - 3.80) < 0.005)
        #expect(abs(probabilities[0] - 0.224) < 0.0005)
    }

    @Test("drawn span lengths follow the truncated geometric (chi-square, mean), rate 0.15, L = 512")
    func spanLengths() throws {
        let settings = MaskingPreset.spanbert.settings(sequenceLength: 512, seed: 23)
        let vocabulary = MaskingVocabulary(
            maskID: Synthetic.maskID,
            randomIDs: Synthetic.randomIDs,
            unigramCounts: [UInt64](repeating: 1, count: 1005)
        )
        let masker = try Masker(settings: settings, vocabulary: vocabulary)
        masker.recordsUnits = true
        var placed = [Int](repeating: 0, count: 11)
        var selected = [Int](repeating: 0, count: 11)
        for index in 0..<13_000 {
            let (tokens, flags) = Synthetic.sequence(length: 512, index: UInt64(index))
            _ = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index))
            for unit in masker.unitRecords {
                placed[unit.spanWords] += 1
                if unit.taken { selected[unit.spanWords] += 1 }
            }
        }
        // Every placed span counts, including the last one the fit rule may refuse: the lengths are i.i.d.
        // draws up to a stopping time, so their histogram is unbiased (Wald). Selected spans alone are not:
        // the fit rule refuses a long final span more often than a short one.
        let probabilities = Self.geometric(p: 0.2, minimum: 1, maximum: 10)
        let total = placed.reduce(0, +)
        #expect(total >= 100_000)
        #expect(placed[0] == 0)
        let chi = Tolerance.chiSquare(
            observed: Array(placed[1...10]),
            expected: probabilities.map { $0 * Double(total) }
        )
        let critical = Tolerance.chiSquareCritical(degrees: 9)
        #expect(chi <= critical, "chi-square \(chi) > \(critical)")
        let mean = zip(1...10, probabilities).reduce(0) { $0 + Double($1.0) * $1.1 }
        let variance = zip(1...10, probabilities).reduce(0) {
            $0 + (Double($1.0) - mean) * (Double($1.0) - mean) * $1.1
        }
        let observedMean = Double(zip(1...10, placed[1...10]).reduce(0) { $0 + $1.0 * $1.1 }) / Double(total)
        let sigma = (variance / Double(total)).squareRoot()
        #expect(abs(observedMean - mean) <= 4 * sigma, "mean \(observedMean), expected \(mean) ± \(sigma)")
        // Only the last span of a sequence can be refused.
        #expect(selected.reduce(0, +) >= total - 13_000)
    }

    @Test("spans that cannot be placed end the selection (no hang)", arguments: [7, 12, 40])
    func impossibleSpans(length: Int) throws {
        let settings = MaskingSettings(strategy: .span, rate: 0.9, spanP: 0.5, spanMin: 8, spanMax: 12, seed: 2)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        for index in 0..<50 {
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            let statistics = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics
            #expect(statistics.selectedTokens <= statistics.candidates)
            if Synthetic.words(flags).count < 8 { #expect(statistics.selectedTokens == 0) }
        }
    }

    @Test("a sequence of special tokens only selects nothing", arguments: MaskingStrategy.allCases)
    func noCandidates(_ strategy: MaskingStrategy) throws {
        let masker = try Masker(
            settings: MaskingSettings(strategy: strategy, rate: 0.5),
            vocabulary: Synthetic.vocabulary,
            unitMatcher: WordNgramSetMatcher(ngrams: [])
        )
        let masked = masker.mask(
            tokens: [Synthetic.cls, Synthetic.sep],
            flags: [TokenFlags.special.rawValue, TokenFlags.special.rawValue],
            sequenceIndex: 0
        )
        #expect(masked.inputIDs == [Int32(Synthetic.cls), Int32(Synthetic.sep)])
        #expect(masked.labels == [-100, -100])
        #expect(masked.statistics == MaskingStatistics())
        let empty = masker.mask(tokens: [], flags: [], sequenceIndex: 1)
        #expect(empty.inputIDs.isEmpty && empty.statistics == MaskingStatistics())
    }
}
