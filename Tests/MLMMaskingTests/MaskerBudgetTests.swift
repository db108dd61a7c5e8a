import Foundation
import MLMCore
import MLMMasking
import Testing

/// Google BERT's budget rule (`--budget google`, `--preset bert`/`bert-wwm`).
@Suite("Google's budget")
struct MaskerBudgetTests {
    @Test(
        "num_to_predict = min(cap, max(1, round-half-even(0.15·n)))",
        arguments: [
            (128, 20, 19), (40, 20, 6), (10, 20, 2), (30, 20, 4), (3, 20, 1), (1, 20, 1), (512, 80, 77), (1000, 20, 20),
        ] as [(Int, Int, Int)]
    )
    func googleCount(realTokens: Int, cap: Int, expected: Int) {
        #expect(MaskingBudget.googleCount(realTokens: realTokens, rate: 0.15, cap: cap) == expected)
    }

    @Test("bert: every sequence gets exactly its count of predictions, never zero", arguments: [MaskingPreset.bert])
    func exactCounts(preset: MaskingPreset) throws {
        let settings = preset.settings(sequenceLength: 128, seed: 11)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        var total = MaskingStatistics()
        for index in 0..<4000 {
            let length = 4 + index % 125
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            let statistics = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index)).statistics
            let expected = min(statistics.candidates, MaskingBudget.googleCount(realTokens: length, rate: 0.15, cap: 20))
            #expect(statistics.predicted == expected, "length \(length)")
            total.add(statistics)
        }
        let sigma = Tolerance.binomialSigma(trials: total.predicted, p: 0.8)
        #expect(abs(Double(total.maskedWithMask) - 0.8 * Double(total.predicted)) <= 4 * sigma)
    }

    @Test("bert-wwm: whole words, never past the count, an overshooting word skipped (not the end of the walk)")
    func wholeWords() throws {
        let settings = MaskingPreset.bertWWM.settings(sequenceLength: 128, seed: 12)
        #expect(settings.budget == .google && settings.strategy == .word)
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        var exact = 0
        let sequences = 3000
        for index in 0..<sequences {
            let (tokens, flags) = Synthetic.sequence(length: 128, index: UInt64(index))
            let masked = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index))
            #expect(masked.statistics.predicted <= 19)
            if masked.statistics.predicted == 19 { exact += 1 }
            for word in Synthetic.words(flags) {
                let labelled = word.filter { masked.labels[$0] != -100 }.count
                #expect(labelled == 0 || labelled == word.count, "a word split at \(word)")
            }
        }
        // Words of 1–4 tokens: skipping overshooters lets a one-token word fill the gap almost always.
        #expect(exact > sequences * 9 / 10)
    }

    @Test("--budget google refuses spans")
    func refusesSpans() {
        var settings = MaskingSettings(strategy: .span)
        settings.budget = .google
        #expect(throws: MaskingError.self) { try settings.validate() }
    }
}
