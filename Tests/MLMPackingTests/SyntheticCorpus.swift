import MLMCore
import MLMPacking

/// Documents whose every token id is unique (a counter from ``firstID``), so each packed token can be traced back
/// to its document and position.
struct SyntheticCorpus {
    /// One document: ids, store flags and sentence ranges.
    struct Document {
        var ids: [UInt32] = []
        var flags: [UInt8] = []
        var sentences: [Range<Int>] = []
    }

    /// Where a token came from.
    struct Origin: Hashable {
        var document: Int
        var position: Int
    }

    static let firstID: UInt32 = 1000
    static let cls: UInt32 = 2
    static let sep: UInt32 = 3
    static let pad: UInt32 = 0

    var documents: [Document] = []
    /// `origins[id − firstID]`.
    var origins: [Origin] = []

    /// Builds documents with random sentence counts and lengths (fixed by `seed`).
    init(documents count: Int, sentences: ClosedRange<Int>, tokens: ClosedRange<Int>, seed: UInt64 = 7) {
        var nextID = Self.firstID
        for index in 0..<count {
            var random = CounterRandom(seed: seed, index: UInt64(index), stream: 99)
            var document = Document()
            let sentenceCount = sentences.lowerBound + random.below(sentences.count)
            for _ in 0..<sentenceCount {
                let length = tokens.lowerBound + random.below(tokens.count)
                let start = document.ids.count
                for offset in 0..<length {
                    var flag: UInt8 = 0
                    if offset == 0 { flag = 0b11 } else if random.bernoulli(0.7) { flag = 0b01 }
                    document.ids.append(nextID)
                    document.flags.append(flag)
                    origins.append(Origin(document: index, position: document.ids.count - 1))
                    nextID += 1
                }
                document.sentences.append(start..<document.ids.count)
            }
            documents.append(document)
        }
    }

    /// Builds documents from explicit sentence lengths.
    init(sentenceLengths: [[Int]]) {
        var nextID = Self.firstID
        for (index, lengths) in sentenceLengths.enumerated() {
            var document = Document()
            for length in lengths {
                let start = document.ids.count
                for offset in 0..<length {
                    document.ids.append(nextID)
                    document.flags.append(offset == 0 ? 0b11 : (offset % 3 == 0 ? 0b01 : 0))
                    origins.append(Origin(document: index, position: document.ids.count - 1))
                    nextID += 1
                }
                document.sentences.append(start..<document.ids.count)
            }
            documents.append(document)
        }
    }

    /// Where a document token came from, or `nil` for a special id.
    func origin(of id: UInt32) -> Origin? {
        guard id >= Self.firstID else { return nil }
        return origins[Int(id - Self.firstID)]
    }

    /// Every token, in corpus order.
    var allIDs: [UInt32] { documents.flatMap(\.ids) }

    /// Settings with this corpus's special ids.
    static func settings(_ mode: PackingMode, length: Int, batch: Int = 8) -> PackingSettings {
        PackingSettings(mode: mode, sequenceLength: length, clsID: cls, sepID: sep, padID: pad, batchSize: batch)
    }
}

/// One packed sequence, read back from a batch.
struct PackedRow: Equatable {
    var tokens: [UInt32]
    var flags: [UInt8]
    var types: [UInt8]
    var length: Int
    var label: Int32?
    var sequenceIndex: Int

    /// The real tokens between `[CLS]` and the final `[SEP]`.
    var body: ArraySlice<UInt32> { tokens[1..<(length - 1)] }
}

/// The result of packing a whole corpus.
struct PackingRun {
    var batches: [SequenceBatch] = []
    var counts = PackingCounts()

    /// Packs every document of `corpus`, then finishes.
    init(_ corpus: SyntheticCorpus, settings: PackingSettings) throws {
        var packer = try SequencePacker(settings: settings)
        var batches: [SequenceBatch] = []
        for document in corpus.documents {
            packer.append(ids: document.ids[...], flags: document.flags[...]) { batches.append($0) }
        }
        packer.finish { batches.append($0) }
        self.batches = batches
        counts = packer.counts
    }

    /// Every row of every batch, in order.
    var rows: [PackedRow] {
        batches.flatMap { batch in
            (0..<batch.count).map { row in
                let range = batch.rowRange(row)
                return PackedRow(
                    tokens: Array(batch.tokens[range]), flags: Array(batch.flags[range]),
                    types: Array(batch.tokenTypes[range]), length: Int(batch.lengths[row]),
                    label: batch.pairTask == nil ? nil : batch.pairLabels[row],
                    sequenceIndex: batch.sequenceIndex(ofRow: row))
            }
        }
    }
}
