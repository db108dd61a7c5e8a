import MLMPacking
import Testing

/// Pair packing (Google BERT's `create_instances_from_document`) with NSP and SOP.
@Suite struct SequencePackerPairTests {
    typealias Corpus = SyntheticCorpus
    typealias Origin = Corpus.Origin

    static let corpus = Corpus(documents: 400, sentences: 1...12, tokens: 1...30)

    /// A pair row split into its segments, each traced to its document.
    struct Pair {
        var a: [Origin]
        var b: [Origin]
        var label: Int32
        var length: Int

        /// The row of a pair, checked for layout: `[CLS] A [SEP] B [SEP]` with token types 0…0 1…1.
        init(_ row: PackedRow, corpus: Corpus) {
            let specials = (0..<row.length).filter { row.flags[$0] & 0x40 != 0 }
            #expect(specials.count == 3)
            let middle = specials.count == 3 ? specials[1] : 1
            #expect(specials.first == 0 && specials.last == row.length - 1)
            #expect(row.tokens[middle] == Corpus.sep)
            #expect((0..<row.length).allSatisfy { row.types[$0] == ($0 <= middle ? 0 : 1) })
            a = row.tokens[1..<middle].compactMap { corpus.origin(of: $0) }
            b = row.tokens[(middle + 1)..<(row.length - 1)].compactMap { corpus.origin(of: $0) }
            #expect(a.count == middle - 1 && b.count == row.length - middle - 2)
            #expect(!a.isEmpty && !b.isEmpty)
            label = row.label ?? -1
            length = row.length
        }
    }

    static func settings(
        _ task: PairTask, length: Int = 64, batch: Int = 8, short: Double = 0.1, seed: UInt64 = 1, epoch: UInt64 = 0
    ) -> PackingSettings {
        var settings = Corpus.settings(.pair, length: length, batch: batch)
        settings.pairTask = task
        settings.shortSequenceProbability = short
        settings.seed = seed
        settings.epoch = epoch
        return settings
    }

    /// Whether a segment is contiguous text of one document.
    static func isContiguous(_ segment: [Origin]) -> Bool {
        zip(segment, segment.dropFirst()).allSatisfy { $0.document == $1.document && $1.position == $0.position + 1 }
    }

    static func startsSentence(_ origin: Origin?, corpus: Corpus) -> Bool {
        guard let origin else { return false }
        return corpus.documents[origin.document].sentences.contains { $0.lowerBound == origin.position }
    }

    static func endsSentence(_ origin: Origin?, corpus: Corpus) -> Bool {
        guard let origin else { return false }
        return corpus.documents[origin.document].sentences.contains { $0.upperBound == origin.position + 1 }
    }

    static func zScore(_ hits: Int, of trials: Int, p: Double) -> Double {
        let expected = Double(trials) * p
        return (Double(hits) - expected) / (Double(trials) * p * (1 - p)).squareRoot()
    }

    @Test(arguments: [PairTask.nsp, .sop], [5, 8, 16, 64, 128])
    func layoutAndBudget(task: PairTask, length: Int) throws {
        let run = try PackingRun(Self.corpus, settings: Self.settings(task, length: length))
        let rows = run.rows
        SequencePackerSentenceTests.checkLayout(rows, length: length, pair: true)
        SequencePackerSentenceTests.checkBodyFlags(rows, corpus: Self.corpus)
        var positives = 0
        for row in rows {
            let pair = Pair(row, corpus: Self.corpus)
            #expect(Self.isContiguous(pair.a) && Self.isContiguous(pair.b))
            #expect(pair.label == 0 || pair.label == 1)
            positives += Int(pair.label)
        }
        #expect(run.batches.allSatisfy { $0.pairTask == task && $0.pairLabels.count == $0.count })
        #expect(run.counts.sequences == rows.count)
        #expect(run.counts.positiveLabels == positives)
        #expect(run.counts.addsUp)
        #expect(run.counts.specialTokens == 3 * rows.count)
        #expect(run.counts.sequences * length
                == run.counts.tokensPacked + run.counts.specialTokens + run.counts.paddingTokens)
        if task == .sop { #expect(run.counts.randomNextTokens == 0) }
    }

    @Test(arguments: [16, 64, 128])
    func nspActualNextIsConsecutiveTextAndRandomNextIsAnotherDocument(length: Int) throws {
        let run = try PackingRun(Self.corpus, settings: Self.settings(.nsp, length: length))
        var sameDocumentRandom = 0
        var ownTokens: [Origin] = []
        for row in run.rows {
            let pair = Pair(row, corpus: Self.corpus)
            guard let aFirst = pair.a.first, let aLast = pair.a.last, let bFirst = pair.b.first else { continue }
            let untruncated = pair.length < length
            ownTokens += pair.a
            if pair.label == 0 {
                ownTokens += pair.b
                #expect(bFirst.document == aFirst.document)
                #expect(bFirst.position > aLast.position)
                if untruncated {
                    #expect(bFirst.position == aLast.position + 1)
                    #expect(Self.startsSentence(aFirst, corpus: Self.corpus))
                    #expect(Self.startsSentence(bFirst, corpus: Self.corpus))
                    #expect(Self.endsSentence(pair.b.last, corpus: Self.corpus))
                }
            } else {
                if bFirst.document == aFirst.document {
                    // Only the first documents, with a tiny pool: 10 failed tries have probability 1/count¹⁰.
                    sameDocumentRandom += 1
                    #expect(aFirst.document <= 1)
                }
                #expect(bFirst.document <= aFirst.document, "B comes from a document already seen")
                if untruncated {
                    #expect(Self.startsSentence(aFirst, corpus: Self.corpus))
                    #expect(Self.endsSentence(aLast, corpus: Self.corpus))
                    #expect(Self.startsSentence(bFirst, corpus: Self.corpus))
                }
            }
        }
        #expect(sameDocumentRandom == run.counts.randomNextFromSameDocument)
        // Every token of a document is used at most once, in corpus order, as A or as an actual next B.
        let ids = ownTokens.map { Self.corpus.documents[$0.document].ids[$0.position] }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func untruncatedPairsReproduceTheCorpus() throws {
        // Documents of at most 200 tokens never reach the target 509 nor need truncation.
        let corpus = Corpus(documents: 200, sentences: 1...10, tokens: 1...20)
        for task in PairTask.allCases {
            let run = try PackingRun(corpus, settings: Self.settings(task, length: 512, short: 0))
            #expect(run.counts.tokensDropped == 0)
            var own: [UInt32] = []
            for row in run.rows {
                let pair = Pair(row, corpus: corpus)
                let a = pair.a.map { corpus.documents[$0.document].ids[$0.position] }
                let b = pair.b.map { corpus.documents[$0.document].ids[$0.position] }
                switch (task, pair.label) {
                case (.nsp, 0), (.sop, 0): own += a + b
                case (.nsp, _): own += a
                case (.sop, _): own += b + a
                }
            }
            // SOP drops one-token documents (they cannot form a pair); nothing else is lost or repeated.
            #expect(own.count + run.counts.tokensDropped == corpus.allIDs.count)
            #expect(zip(own, own.dropFirst()).allSatisfy { $0 < $1 })
            if task == .nsp { #expect(own == corpus.allIDs) }
        }
    }

    @Test(arguments: [16, 64, 128])
    func sopPairsAreConsecutiveSegmentsInEitherOrder(length: Int) throws {
        let run = try PackingRun(Self.corpus, settings: Self.settings(.sop, length: length))
        for row in run.rows {
            let pair = Pair(row, corpus: Self.corpus)
            guard let aFirst = pair.a.first, let aLast = pair.a.last, let bFirst = pair.b.first,
                let bLast = pair.b.last
            else { continue }
            #expect(aFirst.document == bFirst.document)
            let (before, after) = pair.label == 1 ? (bLast, aFirst) : (aLast, bFirst)
            #expect(after.position > before.position)
            if pair.length < length { #expect(after.position == before.position + 1) }
        }
        #expect(run.counts.randomNextTokens == 0)
        #expect(run.counts.segmentsSplitForOrder > 0)
    }

    @Test func labelsAreBalanced() throws {
        let corpus = Corpus(documents: 6000, sentences: 1...12, tokens: 1...30, seed: 3)
        let nsp = try PackingRun(corpus, settings: Self.settings(.nsp, length: 64, batch: 256)).counts
        let chosen = nsp.sequences - nsp.forcedRandomNext
        #expect(chosen > 10_000)
        #expect(abs(Self.zScore(nsp.positiveLabels - nsp.forcedRandomNext, of: chosen, p: 0.5)) < 4)
        let sop = try PackingRun(corpus, settings: Self.settings(.sop, length: 64, batch: 256)).counts
        #expect(sop.sequences > 10_000)
        #expect(abs(Self.zScore(sop.positiveLabels, of: sop.sequences, p: 0.5)) < 4)
    }

    @Test func shortTargetsFollowShortSeqProb() throws {
        let corpus = Corpus(documents: 20_000, sentences: 1...2, tokens: 1...3, seed: 5)
        for probability in [0.0, 0.1, 0.5, 1.0] {
            let counts = try PackingRun(corpus, settings: Self.settings(.sop, short: probability)).counts
            let documents = counts.documents - counts.emptyDocuments
            if probability == 0 || probability == 1 {
                #expect(counts.shortTargetDocuments == Int(probability) * documents)
            } else {
                #expect(abs(Self.zScore(counts.shortTargetDocuments, of: documents, p: probability)) < 4)
            }
        }
    }

    @Test func targetIsDrawnOncePerDocumentFromTwoToMax() throws {
        // One-token sentences: an actual-next chunk closes exactly at the target, so A + B = target.
        let corpus = Corpus(documents: 400, sentences: 150...150, tokens: 1...1, seed: 11)
        let run = try PackingRun(corpus, settings: Self.settings(.nsp, length: 64, short: 1))
        var targets: [Int: Set<Int>] = [:]
        for row in run.rows {
            let pair = Pair(row, corpus: corpus)
            guard pair.label == 0, let last = pair.b.last, let document = pair.a.first?.document else { continue }
            if last.position + 1 < 150 { targets[document, default: []].insert(pair.a.count + pair.b.count) }
        }
        #expect(targets.values.allSatisfy { $0.count == 1 })
        let drawn = targets.values.compactMap(\.first)
        #expect(drawn.allSatisfy { (2...61).contains($0) })
        #expect(Set(drawn).count > 40)
    }

    @Test func truncationTrimsTheLongerSegmentTiesTrimB() throws {
        // Sentences of 40 tokens, L = 16 (13 body tokens). NSP: A is one sentence and B a random one, both 40
        // tokens, so alternating trims of the longer (B on a tie) end at A = 7, B = 6. SOP splits each sentence.
        let corpus = Corpus(sentenceLengths: Array(repeating: [40, 40, 40], count: 300))
        for task in PairTask.allCases {
            let run = try PackingRun(corpus, settings: Self.settings(task, length: 16, short: 0))
            for row in run.rows {
                let pair = Pair(row, corpus: corpus)
                #expect(pair.length == 16)
                if task == .nsp { #expect(pair.a.count == 7 && pair.b.count == 6) }
            }
            #expect(run.counts.tokensDropped == run.counts.tokens + run.counts.randomNextTokens - 13 * run.rows.count)
            #expect(run.counts.addsUp)
        }
    }

    @Test func frontAndBackTrimsAreEquallyLikely() throws {
        // One 40-token sentence per document and NSP: A is that sentence (forced random next), B another one.
        let corpus = Corpus(sentenceLengths: Array(repeating: [40], count: 3000))
        let run = try PackingRun(corpus, settings: Self.settings(.nsp, length: 16, short: 0))
        var front = 0
        var removed = 0
        for row in run.rows {
            let pair = Pair(row, corpus: corpus)
            for segment in [pair.a, pair.b] {
                guard let first = segment.first else { continue }
                front += first.position
                removed += 40 - segment.count
            }
        }
        #expect(removed == run.counts.tokensDropped)
        #expect(abs(Self.zScore(front, of: removed, p: 0.5)) < 4)
        #expect(run.counts.forcedRandomNext == run.counts.sequences)
    }

    @Test(arguments: [PairTask.nsp, .sop])
    func deterministicAndIndependentOfBatches(task: PairTask) throws {
        let reference = try PackingRun(Self.corpus, settings: Self.settings(task, batch: 8)).rows
        for batch in [1, 5, 1000] {
            let run = try PackingRun(Self.corpus, settings: Self.settings(task, batch: batch))
            #expect(run.rows == reference)
        }
        let otherEpoch = try PackingRun(Self.corpus, settings: Self.settings(task, epoch: 1)).rows
        let otherSeed = try PackingRun(Self.corpus, settings: Self.settings(task, seed: 2)).rows
        #expect(otherEpoch != reference)
        #expect(otherSeed != reference)
    }

    @Test(arguments: [1, 3, 50])
    func randomNextComesFromTheBoundedPool(pool: Int) throws {
        var settings = Self.settings(.nsp)
        settings.randomDocumentPool = pool
        let run = try PackingRun(Self.corpus, settings: settings)
        var reach = 0
        for row in run.rows {
            let pair = Pair(row, corpus: Self.corpus)
            guard pair.label == 1, let a = pair.a.first, let b = pair.b.first else { continue }
            #expect(b.document <= a.document && b.document > a.document - pool)
            reach = max(reach, a.document - b.document)
        }
        #expect(reach == pool - 1)
        if pool == 1 { #expect(run.counts.randomNextFromSameDocument == run.counts.positiveLabels) }
    }

    @Test func firstDocumentTakesRandomNextFromItself() throws {
        let corpus = Corpus(sentenceLengths: [[5]])
        let run = try PackingRun(corpus, settings: Self.settings(.nsp, short: 0))
        #expect(run.counts.sequences == 1)
        #expect(run.counts.randomNextFromSameDocument == 1)
        let pair = try #require(run.rows.first.map { Pair($0, corpus: corpus) })
        #expect(pair.label == 1 && pair.a.count == 5 && !pair.b.isEmpty)
    }

    @Test func sopSplitsOneSentenceChunksAndDropsOneTokenChunks() throws {
        let corpus = Corpus(sentenceLengths: [[6], [1], [1, 1]])
        let run = try PackingRun(corpus, settings: Self.settings(.sop, short: 0))
        #expect(run.counts.segmentsSplitForOrder == 1)
        #expect(run.counts.chunksDropped == 1)
        #expect(run.counts.tokensDropped == 1)
        #expect(run.counts.sequences == 2)
        #expect(run.counts.addsUp)
        let pairs = run.rows.map { Pair($0, corpus: corpus) }
        #expect(pairs[0].a.count + pairs[0].b.count == 6)
        let split = pairs[0].label == 1 ? pairs[0].a.first : pairs[0].b.first
        #expect(split.map { corpus.documents[0].flags[$0.position] & 1 } == 1, "split at a word start")
    }
}
