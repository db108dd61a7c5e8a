import MLMCore
import MLMPacking
import Testing

/// ELECTRA packing: layout, whole sentences, token budget, the 10% and 5% draws.
@Suite struct SequencePackerElectraTests {
    typealias Corpus = SyntheticCorpus

    static let corpus = Corpus(documents: 1500, sentences: 1...20, tokens: 1...40)

    @Test(arguments: [5, 16, 64, 128])
    func layoutAndBudget(length: Int) throws {
        let run = try PackingRun(Self.corpus, settings: Corpus.settings(.electra, length: length))
        let rows = run.rows
        let twoSegments = rows.filter { $0.types.contains(1) }
        SequencePackerSentenceTests.checkLayout(twoSegments, length: length, pair: true)
        SequencePackerSentenceTests.checkLayout(rows.filter { !$0.types.contains(1) }, length: length)
        SequencePackerSentenceTests.checkBodyFlags(rows, corpus: Self.corpus)
        var previousDocument = -1
        var previousPosition = -1
        for row in rows {
            #expect(row.label == nil)
            // Types: 0 on [CLS] A [SEP], then 1 on B [SEP] when there is a B; at most two [SEP].
            let ones = row.types[..<row.length].filter { $0 == 1 }.count
            let seps = row.tokens[..<row.length].filter { $0 == Corpus.sep }.count
            #expect(seps == (ones > 0 ? 2 : 1))
            #expect(row.types[..<(row.length - ones)].allSatisfy { $0 == 0 })
            // An example never crosses a document, and examples follow the corpus order.
            let origins = row.body.compactMap { Self.corpus.origin(of: $0) }
            #expect(Set(origins.map(\.document)).count == 1)
            if let first = origins.map({ $0.document * 1_000_000 + $0.position }).min() {
                #expect(first > previousDocument * 1_000_000 + previousPosition)
                previousDocument = first / 1_000_000
                previousPosition = first % 1_000_000
            }
        }
        let counts = run.counts
        #expect(counts.addsUp)
        #expect(counts.sequences * length == counts.tokensPacked + counts.specialTokens + counts.paddingTokens)
        #expect(counts.sequences == rows.count)
        let sigma = (Double(rows.count) * 0.1 * 0.9).squareRoot()
        #expect(abs(Double(counts.singleSegmentExamples) - 0.1 * Double(rows.count)) <= 4 * sigma)
        let shortSigma = (Double(rows.count) * 0.05 * 0.95).squareRoot()
        #expect(abs(Double(counts.shortTargets) - 0.05 * Double(rows.count)) <= 4 * shortSigma)
    }

    @Test func deterministicPerSeed() throws {
        var settings = Corpus.settings(.electra, length: 64)
        let first = try PackingRun(Self.corpus, settings: settings).rows
        #expect(first == (try PackingRun(Self.corpus, settings: settings).rows))
        settings.seed = 1
        #expect(first != (try PackingRun(Self.corpus, settings: settings).rows))
    }
}
