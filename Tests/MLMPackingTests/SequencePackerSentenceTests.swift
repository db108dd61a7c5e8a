import MLMPacking
import Testing

/// Full, doc and single packing: token conservation, layout, sentence integrity, determinism.
@Suite struct SequencePackerSentenceTests {
    typealias Corpus = SyntheticCorpus

    static let corpus = Corpus(documents: 300, sentences: 1...12, tokens: 1...40)
    static let lengths = [3, 4, 9, 16, 32, 64, 128]

    /// `[CLS]` first, `[SEP]` last, bit 6 on both, padding only after the end with bit 7, types 0.
    static func checkLayout(_ rows: [PackedRow], length: Int, pair: Bool = false) {
        for row in rows {
            #expect(row.tokens.count == length && row.flags.count == length && row.types.count == length)
            #expect(row.length <= length && row.length >= (pair ? 5 : 3))
            #expect(row.tokens[0] == Corpus.cls && row.flags[0] == 0x40)
            #expect(row.tokens[row.length - 1] == Corpus.sep && row.flags[row.length - 1] == 0x40)
            let padding = row.length..<length
            #expect(padding.allSatisfy { row.tokens[$0] == Corpus.pad && row.flags[$0] == 0x80 && row.types[$0] == 0 })
            #expect((0..<row.length).allSatisfy { row.flags[$0] & 0x80 == 0 })
            if !pair { #expect(row.types.allSatisfy { $0 == 0 }) }
        }
    }

    /// Every body token carries the store's bits 0–1 and nothing else; a special inside a body carries bit 6.
    static func checkBodyFlags(_ rows: [PackedRow], corpus: Corpus) {
        for row in rows {
            let correct = (1..<(row.length - 1)).allSatisfy { position in
                guard let origin = corpus.origin(of: row.tokens[position]) else { return row.flags[position] == 0x40 }
                return row.flags[position] == corpus.documents[origin.document].flags[origin.position] & 0x03
            }
            #expect(correct)
        }
    }

    @Test(arguments: [PackingMode.full, .doc, .single], lengths)
    func bodiesReproduceTheInput(mode: PackingMode, length: Int) throws {
        let run = try PackingRun(Self.corpus, settings: Corpus.settings(mode, length: length))
        let rows = run.rows
        Self.checkLayout(rows, length: length)
        Self.checkBodyFlags(rows, corpus: Self.corpus)
        let bodies = rows.flatMap(\.body)
        let documentTokens = bodies.filter { $0 != Corpus.sep }
        #expect(documentTokens == Self.corpus.allIDs)
        if mode != .full { #expect(bodies.count == documentTokens.count) }
        #expect(rows.map(\.sequenceIndex) == Array(0..<rows.count))
        #expect(run.counts.sequences == rows.count)
        #expect(run.counts.tokensPacked == Self.corpus.allIDs.count)
        #expect(run.counts.tokensDropped == 0)
        #expect(run.counts.addsUp)
        #expect(run.counts.sequences * length
                == run.counts.tokensPacked + run.counts.specialTokens + run.counts.paddingTokens)
        #expect(run.counts.paddingTokens == rows.reduce(0) { $0 + length - $1.length })
        #expect(run.counts.documents == Self.corpus.documents.count)
        #expect(run.counts.sentences == Self.corpus.documents.reduce(0) { $0 + $1.sentences.count })
    }

    @Test(arguments: lengths)
    func fullModeSeparatesDocumentsInsideASequence(length: Int) throws {
        let run = try PackingRun(Self.corpus, settings: Corpus.settings(.full, length: length))
        var separators = 0
        for row in run.rows {
            let body = Array(row.body)
            #expect(body.first != Corpus.sep && body.last != Corpus.sep, "no separator next to [CLS] or [SEP]")
            for position in body.indices.dropFirst() {
                let previous = Self.corpus.origin(of: body[position - 1])
                let current = Self.corpus.origin(of: body[position])
                if body[position] == Corpus.sep {
                    // A separator sits exactly between the last token of one document and the first of the next.
                    separators += 1
                    let next = Self.corpus.origin(of: body[position + 1])
                    guard let previous, let next else {
                        Issue.record("two specials in a row")
                        continue
                    }
                    #expect(next.document == previous.document + 1 && next.position == 0)
                    #expect(previous.position == Self.corpus.documents[previous.document].ids.count - 1)
                } else if let previous, let current {
                    #expect(previous.document == current.document, "documents meet only across a separator")
                }
            }
        }
        #expect(separators == run.counts.documentSeparators)
        #expect(separators > 0 || length < 9)
    }

    @Test(arguments: [PackingMode.full, .doc], lengths)
    func sentencesStayWholeUnlessTooLong(mode: PackingMode, length: Int) throws {
        let room = length - 2
        let run = try PackingRun(Self.corpus, settings: Corpus.settings(mode, length: length))
        var rowOf: [UInt32: Int] = [:]
        var columnOf: [UInt32: Int] = [:]
        for (index, row) in run.rows.enumerated() {
            for (column, id) in row.body.enumerated() where id != Corpus.sep {
                rowOf[id] = index
                columnOf[id] = column
            }
        }
        var split = 0
        for document in Self.corpus.documents {
            for sentence in document.sentences {
                let ids = sentence.map { document.ids[$0] }
                let rows = ids.compactMap { rowOf[$0] }
                if sentence.count <= room {
                    #expect(Set(rows).count == 1, "a sentence of \(sentence.count) ≤ \(room) tokens is split")
                } else {
                    // Consecutive full windows, each starting a sequence.
                    split += 1
                    for (offset, id) in ids.enumerated() {
                        #expect(rows[offset] == rows[0] + offset / room)
                        #expect(columnOf[id] == offset % room)
                    }
                }
            }
        }
        #expect(run.counts.sentencesSplit == split)
    }

    @Test(arguments: lengths)
    func docModeNeverMixesDocuments(length: Int) throws {
        let run = try PackingRun(Self.corpus, settings: Corpus.settings(.doc, length: length))
        for row in run.rows {
            let documents = Set(row.body.compactMap { Self.corpus.origin(of: $0)?.document })
            #expect(documents.count == 1)
        }
    }

    @Test(arguments: lengths)
    func singleModeCutsEachDocumentIntoWindows(length: Int) throws {
        let room = length - 2
        let run = try PackingRun(Self.corpus, settings: Corpus.settings(.single, length: length))
        let rows = run.rows
        var next = 0
        for document in Self.corpus.documents {
            let windows = (document.ids.count + room - 1) / room
            for window in 0..<windows {
                let expected = document.ids[(window * room)..<min((window + 1) * room, document.ids.count)]
                #expect(rows[next].body == expected)
                next += 1
            }
        }
        #expect(next == rows.count)
    }

    @Test(arguments: [PackingMode.full, .doc, .single])
    func outputDoesNotDependOnBatchSize(mode: PackingMode) throws {
        var reference: [PackedRow] = []
        for batch in [1, 3, 8, 1000] {
            let run = try PackingRun(Self.corpus, settings: Corpus.settings(mode, length: 32, batch: batch))
            #expect(run.batches.dropLast().allSatisfy { $0.count == batch })
            #expect(run.batches.allSatisfy { $0.tokens.count == $0.count * 32 })
            var first = 0
            for packed in run.batches {
                #expect(packed.firstSequenceIndex == first)
                first += packed.count
            }
            if reference.isEmpty { reference = run.rows } else { #expect(run.rows == reference) }
        }
        let again = try PackingRun(Self.corpus, settings: Corpus.settings(mode, length: 32, batch: 8))
        #expect(again.rows == reference)
    }

    @Test func fullModeFillsAndCarriesAcrossDocuments() throws {
        // L = 8 leaves 6 body tokens. Sentences: doc 0 [3, 2], doc 1 [1, 4], doc 2 [9], doc 3 [2].
        let corpus = Corpus(sentenceLengths: [[3, 2], [1, 4], [9], [2]])
        let run = try PackingRun(corpus, settings: Corpus.settings(.full, length: 8))
        let bodies = run.rows.map { Array($0.body) }
        let ids = corpus.documents.map(\.ids)
        #expect(bodies.count == 4)
        #expect(bodies[0] == ids[0])  // [SEP] + 1 token after 5 tokens would need 7 > 6: doc 1 starts anew
        #expect(bodies[1] == ids[1])  // 1 + 4 tokens; the 9-token sentence starts anew
        #expect(bodies[2] == Array(ids[2][0..<6]))  // its first window
        #expect(bodies[3] == Array(ids[2][6..<9]) + [Corpus.sep] + ids[3])  // 3 + 1 + 2 = 6 fits
        #expect(run.counts.documentSeparators == 1)
        #expect(run.counts.sentencesSplit == 1)
    }

    @Test func emptyDocumentsAndMissingSentenceBits() throws {
        var corpus = Corpus(sentenceLengths: [[4], [], [3, 3]])
        corpus.documents[0].flags[0] = 0  // the first token starts a sentence whatever its bit
        for mode in [PackingMode.full, .doc, .single, .pair] {
            let run = try PackingRun(corpus, settings: Corpus.settings(mode, length: 16))
            #expect(run.counts.documents == 3)
            #expect(run.counts.emptyDocuments == 1)
            #expect(run.counts.sentences == 3)
            #expect(run.counts.addsUp)
        }
    }

    @Test func sixteenBitIDsPackLikeThirtyTwoBitIDs() throws {
        let corpus = Corpus(documents: 20, sentences: 1...5, tokens: 1...9)
        for mode in PackingMode.allCases {
            let settings = Corpus.settings(mode, length: 24, batch: 4)
            var wide = try SequencePacker(settings: settings)
            var narrow = try SequencePacker(settings: settings)
            var wideBatches: [SequenceBatch] = []
            var narrowBatches: [SequenceBatch] = []
            for document in corpus.documents {
                document.ids.withUnsafeBufferPointer { ids in
                    document.flags.withUnsafeBufferPointer { flags in
                        wide.append(ids: ids, flags: flags) { wideBatches.append($0) }
                    }
                }
                let short = document.ids.map { UInt16($0) }
                short.withUnsafeBufferPointer { ids in
                    document.flags.withUnsafeBufferPointer { flags in
                        narrow.append(ids: ids, flags: flags) { narrowBatches.append($0) }
                    }
                }
            }
            wide.finish { wideBatches.append($0) }
            narrow.finish { narrowBatches.append($0) }
            #expect(wideBatches == narrowBatches)
            #expect(wide.counts == narrow.counts)
        }
    }

    @Test func emitErrorsPropagate() throws {
        struct Stop: Error {}
        var packer = try SequencePacker(settings: Corpus.settings(.single, length: 8, batch: 1))
        let document = Self.corpus.documents[0]
        #expect(throws: Stop.self) {
            try packer.append(ids: document.ids[...], flags: document.flags[...]) { _ throws(Stop) in throw Stop() }
        }
    }
}
