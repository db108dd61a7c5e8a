import MLMPacking
import Testing

/// Validation of packing settings.
@Suite struct PackingSettingsTests {
    @Test(arguments: [(PackingMode.full, 2), (.doc, 1), (.single, 0), (.pair, 4), (.pair, 3)])
    func rejectsTooShortSequences(mode: PackingMode, length: Int) {
        let settings = SyntheticCorpus.settings(mode, length: length)
        let error = #expect(throws: PackingError.self) { try SequencePacker(settings: settings) }
        #expect(error?.code == .sequenceTooShort)
        let layout = mode == .pair ? "[CLS] A [SEP] B [SEP]" : "[CLS] … [SEP]"
        #expect(error?.description.hasPrefix("--seq-len \(length) is too short for \(layout)") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test(arguments: [(PackingMode.full, 3), (.doc, 3), (.single, 3), (.pair, 5)])
    func acceptsTheShortestSequences(mode: PackingMode, length: Int) throws {
        let corpus = SyntheticCorpus(documents: 50, sentences: 1...6, tokens: 1...7)
        let run = try PackingRun(corpus, settings: SyntheticCorpus.settings(mode, length: length))
        SequencePackerSentenceTests.checkLayout(run.rows, length: length, pair: mode == .pair)
        #expect(run.counts.addsUp)
    }

    @Test func rejectsOtherBadSettings() {
        var settings = SyntheticCorpus.settings(.pair, length: 128)
        settings.batchSize = 0
        #expect(throws: PackingError.self) { try settings.validate() }
        settings.batchSize = 1
        settings.shortSequenceProbability = 1.5
        #expect(throws: PackingError.self) { try settings.validate() }
        settings.shortSequenceProbability = .nan
        #expect(throws: PackingError.self) { try settings.validate() }
        settings.shortSequenceProbability = 0.1
        settings.randomDocumentPool = 0
        #expect(throws: PackingError.self) { try settings.validate() }
        settings.randomDocumentPool = 1
        #expect(throws: Never.self) { try settings.validate() }
    }
}
