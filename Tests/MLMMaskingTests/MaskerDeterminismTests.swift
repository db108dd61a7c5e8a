import MLMCore
import MLMMasking
import Testing

/// Output is a pure function of (seed, epoch, sequence index, copy), whatever the call order.
@Suite struct MaskerDeterminismTests {
    static func maskAll(
        _ masker: Masker,
        order: [Int],
        length: Int = 96
    ) -> [Int: MaskedSequence] {
        var result: [Int: MaskedSequence] = [:]
        for index in order {
            let (tokens, flags) = Synthetic.sequence(length: length, index: UInt64(index))
            result[index] = masker.mask(tokens: tokens, flags: flags, sequenceIndex: UInt64(index))
        }
        return result
    }

    @Test("same key gives the same output, in any order and on a fresh masker", arguments: MaskingStrategy.allCases)
    func sameKeySameOutput(_ strategy: MaskingStrategy) throws {
        let settings = MaskingSettings(strategy: strategy, rate: 0.25, seed: 21, epoch: 2)
        let matcher = MaskerInvariantTests.matcher
        let first = try Masker(settings: settings, vocabulary: Synthetic.vocabulary, unitMatcher: matcher)
        let second = try Masker(settings: settings, vocabulary: Synthetic.vocabulary, unitMatcher: matcher)
        let forward = Self.maskAll(first, order: Array(0..<60))
        let backward = Self.maskAll(first, order: Array((0..<60).reversed()))
        let shuffled = Self.maskAll(second, order: (0..<60).map { ($0 * 37) % 60 })
        #expect(forward == backward)
        #expect(forward == shuffled)
    }

    @Test("a different epoch, seed or index gives a different masking", arguments: MaskingStrategy.allCases)
    func differentKeyDifferentOutput(_ strategy: MaskingStrategy) throws {
        let matcher = MaskerInvariantTests.matcher
        let base = MaskingSettings(strategy: strategy, rate: 0.25, seed: 21, epoch: 2)
        var nextEpoch = base
        nextEpoch.epoch = 3
        var nextSeed = base
        nextSeed.seed = 22
        let maskers = try [base, nextEpoch, nextSeed].map {
            try Masker(settings: $0, vocabulary: Synthetic.vocabulary, unitMatcher: matcher)
        }
        let (tokens, flags) = Synthetic.sequence(length: 512, index: 5)
        let outputs = maskers.map { $0.mask(tokens: tokens, flags: flags, sequenceIndex: 5) }
        #expect(outputs[0] != outputs[1])
        #expect(outputs[0] != outputs[2])
        let otherIndex = maskers[0].mask(tokens: tokens, flags: flags, sequenceIndex: 6)
        #expect(outputs[0] != otherIndex)
    }

    @Test("the buffer and array forms agree; every output element is written")
    func bufferFormWritesEverything() throws {
        let masker = try Masker(
            settings: MaskingSettings(strategy: .word, rate: 0.4, seed: 2),
            vocabulary: Synthetic.vocabulary
        )
        let (tokens, flags) = Synthetic.sequence(length: 64, index: 9)
        let expected = masker.mask(tokens: tokens, flags: flags, sequenceIndex: 9)
        var inputs = [Int32](repeating: 12345, count: 64)
        var labels = [Int32](repeating: 12345, count: 64)
        let statistics = tokens.withUnsafeBufferPointer { tokens in
            flags.withUnsafeBufferPointer { flags in
                inputs.withUnsafeMutableBufferPointer { inputs in
                    labels.withUnsafeMutableBufferPointer { labels in
                        masker.mask(tokens: tokens, flags: flags, sequenceIndex: 9, inputIDs: inputs, labels: labels)
                    }
                }
            }
        }
        #expect(inputs == expected.inputIDs)
        #expect(labels == expected.labels)
        #expect(statistics == expected.statistics)
    }
}
