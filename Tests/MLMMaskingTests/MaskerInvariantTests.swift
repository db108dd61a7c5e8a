import MLMCore
import MLMMasking
import Testing

/// Structural guarantees that hold for every sequence: units, specials, labels, untouched positions.
@Suite struct MaskerInvariantTests {
    struct InvariantCase: CustomTestStringConvertible, Sendable {
        var name: String
        var settings: MaskingSettings
        var testDescription: String { name }
    }

    /// A table of bigrams and trigrams taken from the synthetic sequences themselves, so PMI units occur.
    static let matcher: WordNgramSetMatcher = {
        var ngrams: [[[UInt32]]] = []
        for index in 0..<40 {
            let (tokens, flags) = Synthetic.sequence(length: 128, index: UInt64(index))
            let words = Synthetic.words(flags)
            for first in stride(from: 0, to: words.count - 2, by: 2) {
                ngrams.append([Array(tokens[words[first]]), Array(tokens[words[first + 1]])])
                ngrams.append(words[first..<first + 3].map { Array(tokens[$0]) })
            }
        }
        return WordNgramSetMatcher(ngrams: ngrams)
    }()

    static let cases: [InvariantCase] = {
        var cases: [InvariantCase] = []
        for strategy in MaskingStrategy.allCases {
            for replacePer in ReplacementGranularity.allCases {
                cases.append(
                    InvariantCase(
                        name: "\(strategy.rawValue) per \(replacePer.rawValue)",
                        settings: MaskingSettings(strategy: strategy, rate: 0.3, replacePer: replacePer, seed: 3)
                    )
                )
            }
            cases.append(
                InvariantCase(
                    name: "\(strategy.rawValue) C > P",
                    settings: MaskingSettings(strategy: strategy, predictRate: 0.15, corruptRate: 0.4, seed: 4)
                )
            )
            cases.append(
                InvariantCase(
                    name: "\(strategy.rawValue) P > C",
                    settings: MaskingSettings(strategy: strategy, predictRate: 0.45, corruptRate: 0.2, seed: 5)
                )
            )
        }
        cases.append(
            InvariantCase(name: "electra", settings: MaskingPreset.electra.settings(sequenceLength: 128, seed: 6))
        )
        return cases
    }()

    @Test("units, specials, labels and untouched positions", arguments: cases)
    func invariants(_ testCase: InvariantCase) throws {
        let settings = testCase.settings
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary, unitMatcher: Self.matcher)
        masker.recordsUnits = true
        for index in 0..<300 {
            let length = [7, 32, 128, 200][index % 4]
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            let words = Synthetic.words(flags)
            let wordStarts = Set(words.map(\.lowerBound))
            let wordEnds = Set(words.map(\.upperBound))
            var recordsOfFirstCopy: [UnitRecord] = []
            var predictedSoFar = Set<Int>()
            for copy in 0..<masker.copies {
                let masked = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index), copy: copy)
                let records = masker.unitRecords
                if copy == 0 { recordsOfFirstCopy = records } else { #expect(records == recordsOfFirstCopy) }
                let taken = records.filter { $0.taken && $0.part == copy }
                var selected = Set<Int>()
                for unit in taken {
                    for position in unit.start..<unit.end {
                        #expect(selected.insert(position).inserted, "units overlap at \(position)")
                        #expect(flags[position] & TokenFlags.special.rawValue == 0, "a special token is in a unit")
                    }
                    if settings.strategy != .token {
                        #expect(wordStarts.contains(unit.start), "unit \(unit.start)..<\(unit.end) splits a word")
                        #expect(wordEnds.contains(unit.end), "unit \(unit.start)..<\(unit.end) splits a word")
                    } else {
                        #expect(unit.end == unit.start + 1)
                    }
                }
                var statistics = MaskingStatistics()
                statistics.candidates = Synthetic.candidates(flags)
                for position in 0..<tokens.count {
                    let original = Int32(bitPattern: tokens[position])
                    let input = masked.inputIDs[position]
                    let label = masked.labels[position]
                    if !selected.contains(position) {
                        #expect(input == original, "unselected position \(position) changed")
                        #expect(label == -100, "unselected position \(position) labelled")
                        continue
                    }
                    #expect(label == -100 || label == original)
                    if label != -100 {
                        statistics.predicted += 1
                        #expect(predictedSoFar.insert(position).inserted, "copies predict \(position) twice")
                    }
                    if input == Int32(Synthetic.maskID) { statistics.maskedWithMask += 1 }
                    #expect(input == Int32(Synthetic.maskID) || input >= 5, "a special id was drawn")
                }
                #expect(masked.statistics.candidates == statistics.candidates)
                #expect(masked.statistics.predicted == statistics.predicted)
                #expect(masked.statistics.maskedWithMask == statistics.maskedWithMask)
                #expect(masked.statistics.selectedTokens == selected.count)
                #expect(masked.statistics.selectedUnits == taken.count)
                if settings.corruptRate <= settings.predictRate {
                    #expect(masked.statistics.predicted == selected.count)
                    #expect(masked.statistics.corruptedButNotPredicted == 0)
                }
            }
            // Over all copies, the labels cover exactly the selected units.
            let allSelected = recordsOfFirstCopy.filter(\.taken).reduce(into: Set<Int>()) { set, unit in
                set.formUnion(unit.start..<unit.end)
            }
            if settings.corruptRate <= settings.predictRate { #expect(predictedSoFar == allSelected) }
        }
    }

    @Test("per-unit replacement: every token of a unit follows the unit's draw")
    func unitsShareTheirReplacement() throws {
        let settings = MaskingSettings(
            strategy: .span,
            rate: 0.3,
            replace: ReplacementProbabilities(mask: 0.4, random: 0.3, keep: 0.3),
            seed: 8
        )
        let masker = try Masker(settings: settings, vocabulary: Synthetic.vocabulary)
        masker.recordsUnits = true
        for index in 0..<200 {
            let (tokens, flags) = Synthetic.sequence(length: 128, index: UInt64(index))
            let masked = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index))
            for unit in masker.unitRecords where unit.taken {
                for position in unit.start..<unit.end {
                    let input = masked.inputIDs[position]
                    switch unit.action {
                    case .mask: #expect(input == Int32(Synthetic.maskID))
                    case .random: #expect(input != Int32(Synthetic.maskID))
                    case .keep: #expect(input == Int32(bitPattern: tokens[position]))
                    case nil: Issue.record("per-unit replacement without a unit action")
                    }
                }
            }
        }
    }
}
