import MLMCore
import MLMMasking
import Testing

/// Validation messages, presets and copies.
@Suite struct MaskingSettingsTests {
    struct BadCase: CustomTestStringConvertible, Sendable {
        var settings: MaskingSettings
        var message: String
        var testDescription: String { message }
    }

    static func with(_ change: (inout MaskingSettings) -> Void) -> MaskingSettings {
        var settings = MaskingSettings()
        change(&settings)
        return settings
    }

    static let badCases: [BadCase] = [
        BadCase(settings: MaskingSettings(rate: 1.5), message: "--rate must be in (0, 1), got 1.5"),
        BadCase(settings: MaskingSettings(rate: 0), message: "--rate must be in (0, 1), got 0"),
        BadCase(settings: MaskingSettings(rate: 1), message: "--rate must be in (0, 1), got 1"),
        BadCase(settings: MaskingSettings(rate: -0.2), message: "--rate must be in (0, 1), got -0.2"),
        BadCase(settings: MaskingSettings(rate: .nan), message: "--rate must be in (0, 1), got nan"),
        BadCase(
            settings: MaskingSettings(predictRate: 0.2, corruptRate: 1.2),
            message: "--corrupt-rate must be in (0, 1), got 1.2"
        ),
        BadCase(
            settings: MaskingSettings(predictRate: 0, corruptRate: 0.2),
            message: "--predict-rate must be in (0, 1), got 0"
        ),
        BadCase(
            settings: MaskingSettings(replace: ReplacementProbabilities(mask: 0.8, random: 0.1, keep: 0.2)),
            message: "--replace must sum to 1 (got 0.8+0.1+0.2=1.1)"
        ),
        BadCase(
            settings: MaskingSettings(replace: ReplacementProbabilities(mask: 0.8, random: 0.1, keep: 0.1 - 2e-9)),
            message: "--replace must sum to 1 (got 0.8+0.1+0.099999998=0.999999998)"
        ),
        BadCase(
            settings: MaskingSettings(replace: ReplacementProbabilities(mask: 1.2, random: -0.2, keep: 0)),
            message: "--replace values must be in [0, 1], got 1.2"
        ),
        BadCase(
            settings: MaskingSettings(strategy: .span, spanP: 0),
            message: "--span-p must be in (0, 1], got 0"
        ),
        BadCase(
            settings: MaskingSettings(strategy: .span, spanP: 1.5),
            message: "--span-p must be in (0, 1], got 1.5"
        ),
        BadCase(
            settings: MaskingSettings(strategy: .span, spanMin: 5, spanMax: 3),
            message: "--span-min (5) must not exceed --span-max (3)"
        ),
        BadCase(
            settings: MaskingSettings(strategy: .span, spanMin: 0),
            message: "--span-min must be at least 1, got 0"
        ),
        BadCase(
            settings: MaskingSettings(strategy: .span, spanMax: 5000),
            message: "--span-max must be at most 1024, got 5000"
        ),
        BadCase(settings: MaskingSettings(maxPredictions: 0), message: "--max-predictions must be at least 1, got 0"),
        BadCase(
            settings: MaskingSettings(strategy: .word, budget: .electra),
            message: "--budget electra needs --strategy token, got word"
        ),
        BadCase(
            settings: MaskingSettings(predictRate: 0.2, corruptRate: 0.3, budget: .electra),
            message: "--budget electra needs --predict-rate equal to --corrupt-rate"
        ),
    ]

    @Test("bad settings fail with a one-line message naming the flag", arguments: badCases)
    func validation(_ testCase: BadCase) {
        #expect(throws: MaskingError(.invalidSetting, testCase.message)) { try testCase.settings.validate() }
        #expect(throws: MaskingError.self) {
            try Masker(settings: testCase.settings, vocabulary: Synthetic.vocabulary)
        }
    }

    @Test("replacement sums within 1e-9 of 1 pass; span bounds matter only for spans")
    func tolerantValidation() {
        let replace = { (keep: Double) in ReplacementProbabilities(mask: 0.8, random: 0.1, keep: keep) }
        #expect(throws: Never.self) {
            try MaskingSettings(replace: ReplacementProbabilities(mask: 0.7, random: 0.2, keep: 0.1)).validate()
        }
        #expect(throws: Never.self) { try MaskingSettings(replace: replace(0.1 + 5e-10)).validate() }
        #expect(throws: Never.self) { try MaskingSettings(replace: replace(0.1 - 5e-10)).validate() }
        // Just past the tolerance, on either side, the same sums fail.
        let above = "--replace must sum to 1 (got 0.8+0.1+0.100000002=1.000000002)"
        #expect(throws: MaskingError(.invalidSetting, above)) {
            try MaskingSettings(replace: replace(0.1 + 2e-9)).validate()
        }
        let below = "--replace must sum to 1 (got 0.8+0.1+0.099999998=0.999999998)"
        #expect(throws: MaskingError(.invalidSetting, below)) {
            try MaskingSettings(replace: replace(0.1 - 2e-9)).validate()
        }
        // Inverted or out-of-range span bounds pass for the strategies that ignore them, and fail for spans.
        for strategy in [MaskingStrategy.token, .word] {
            #expect(throws: Never.self) { try MaskingSettings(strategy: strategy, spanMin: 5, spanMax: 3).validate() }
            #expect(throws: Never.self) { try MaskingSettings(strategy: strategy, spanP: 0).validate() }
        }
        #expect(throws: MaskingError(.invalidSetting, "--span-min (5) must not exceed --span-max (3)")) {
            try MaskingSettings(strategy: .span, spanMin: 5, spanMax: 3).validate()
        }
        #expect(throws: Never.self) { try MaskingSettings(strategy: .span, spanP: 1).validate() }
        #expect(throws: Never.self) { try MaskingSettings(strategy: .span, spanMin: 3, spanMax: 3).validate() }
    }

    @Test("every preset validates, and a masker accepts it", arguments: MaskingPreset.allCases)
    func presetsValidate(_ preset: MaskingPreset) {
        for length in [128, 512] {
            let settings = preset.settings(sequenceLength: length)
            #expect(throws: Never.self) { try settings.validate() }
            #expect(settings.predictRate > 0 && settings.predictRate < 1)
            #expect(settings.corruptRate == settings.predictRate)
            #expect(settings.maxPredictions.map { $0 >= 1 && $0 < length } ?? true)
            // The masker's own checks (random ids, unigram counts, a unit matcher for pmi) pass with what the
            // preset needs.
            let unigram = [UInt64](repeating: 1, count: Synthetic.vocabulary.randomIDs.count + 10)
            let vocabulary = MaskingVocabulary(
                maskID: Synthetic.vocabulary.maskID, randomIDs: Synthetic.vocabulary.randomIDs, unigramCounts: unigram)
            #expect(throws: Never.self) {
                try Masker(
                    settings: settings, vocabulary: vocabulary,
                    unitMatcher: settings.strategy == .pmi ? WordNgramSetMatcher(ngrams: [[[5], [6]]]) : nil)
            }
        }
    }

    @Test("presets reproduce docs/design.md §2")
    func presetTable() {
        let bert = MaskingPreset.bert.settings(sequenceLength: 128, seed: 5, epoch: 2)
        #expect(bert.strategy == .token && bert.predictRate == 0.15 && bert.corruptRate == 0.15)
        #expect(bert.replace == .bert && bert.replacePer == .token && bert.randomFrom == .uniform)
        #expect(bert.maxPredictions == 20 && bert.seed == 5 && bert.epoch == 2)
        #expect(MaskingPreset.bert.settings(sequenceLength: 512).maxPredictions == 80)
        let wwm = MaskingPreset.bertWWM.settings(sequenceLength: 128)
        #expect(wwm.strategy == .word && wwm.replacePer == .token && wwm.maxPredictions == 20)
        let roberta = MaskingPreset.roberta.settings(sequenceLength: 512)
        #expect(roberta.strategy == .token && roberta.maxPredictions == nil && roberta.replace == .bert)
        let spanbert = MaskingPreset.spanbert.settings(sequenceLength: 512)
        #expect(spanbert.strategy == .span && spanbert.spanP == 0.2 && spanbert.spanMin == 1 && spanbert.spanMax == 10)
        #expect(spanbert.replacePer == .unit && spanbert.randomFrom == .unigram && spanbert.predictRate == 0.15)
        let pmi = MaskingPreset.pmi.settings(sequenceLength: 512)
        #expect(pmi.strategy == .pmi && pmi.replacePer == .unit && pmi.replace == .bert)
        let efficient = MaskingPreset.efficientMLM.settings(sequenceLength: 128)
        #expect(efficient.predictRate == 0.4 && efficient.corruptRate == 0.4 && efficient.replace == .maskOnly)
        #expect(efficient.strategy == .token)
        let electra = MaskingPreset.electra.settings(sequenceLength: 128)
        #expect(electra.withReplacement && electra.replace == .electra && electra.predictRate == 0.15)
        #expect(electra.maxPredictions == 19)
        #expect(MaskingPreset.electra.settings(sequenceLength: 512).maxPredictions == 79)
        #expect(MaskingPreset(rawValue: "bert-wwm") == .bertWWM)
        #expect(MaskingPreset(rawValue: "efficient-mlm") == .efficientMLM)
    }

    @Test(
        "copies = ⌈P/C⌉ when P > C, else 1",
        arguments: [
            (0.4, 0.15, 3), (0.3, 0.1, 3), (0.2, 0.1, 2), (0.6, 0.2, 3), (0.15, 0.15, 1), (0.15, 0.4, 1),
            (0.4, 0.39, 2),
        ]
            as [(Double, Double, Int)]
    )
    func copies(predict: Double, corrupt: Double, expected: Int) {
        #expect(MaskingSettings(predictRate: predict, corruptRate: corrupt).copies == expected)
    }

    @Test("the masker refuses settings its vocabulary or matcher cannot serve")
    func maskerSetupErrors() {
        #expect(throws: MaskingError(.missingUnitMatcher, "--strategy pmi needs a PMI table (--pmi FILE)")) {
            try Masker(settings: MaskingSettings(strategy: .pmi), vocabulary: Synthetic.vocabulary)
        }
        #expect(
            throws: MaskingError(
                .missingVocabulary, "--random-from unigram needs unigram counts with a non-special id counted")
        ) {
            try Masker(settings: MaskingSettings(randomFrom: .unigram), vocabulary: Synthetic.vocabulary)
        }
        #expect(
            throws: MaskingError(
                .missingVocabulary, "--replace has a random share but the vocabulary lists no non-special ids")
        ) {
            try Masker(settings: MaskingSettings(), vocabulary: MaskingVocabulary(maskID: 4, randomIDs: []))
        }
        // No random share: no random ids needed.
        #expect(throws: Never.self) {
            try Masker(
                settings: MaskingSettings(replace: .maskOnly, randomFrom: .unigram),
                vocabulary: MaskingVocabulary(maskID: 4, randomIDs: [])
            )
        }
    }
}
