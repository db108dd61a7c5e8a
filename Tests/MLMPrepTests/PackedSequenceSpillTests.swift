import MLMCore
import MLMPacking
import Testing

@testable import MLMPipeline

/// The epoch spill gives back every packed row exactly, in any order, in memory and once moved to a file.
@Suite struct PackedSequenceSpillTests {
    /// Packs random documents into batches of 5 (pair packing for NSP labels and token types).
    static func packedBatches(mode: PackingMode, length: Int) throws -> [SequenceBatch] {
        var settings = PackingSettings(mode: mode, sequenceLength: length, clsID: 2, sepID: 3, padID: 0, batchSize: 5,
                                       seed: 1, shortSequenceProbability: 0.1)
        settings.randomDocumentPool = 4
        var packer = try SequencePacker(settings: settings)
        var random = CounterRandom(seed: 3, index: 0)
        var batches: [SequenceBatch] = []
        for _ in 0..<60 {
            let count = 1 + random.below(80)
            let ids = (0..<count).map { _ in UInt32(5 + random.below(100)) }
            let flags = (0..<count).map { _ in UInt8(random.below(4)) }
            try ids.withUnsafeBufferPointer { i in
                try flags.withUnsafeBufferPointer { f in try packer.append(ids: i, flags: f) { batches.append($0) } }
            }
        }
        try packer.finish { batches.append($0) }
        return batches
    }

    @Test(arguments: [(PackingMode.full, 33), (.pair, 32), (.doc, 17)], [8 << 20, 4000])
    func rowsComeBackExactlyInAnyOrder(mode: (PackingMode, Int), memoryLimit: Int) throws {
        let batches = try Self.packedBatches(mode: mode.0, length: mode.1)
        let spill = PackedSequenceSpill(directory: nil, sequenceLength: mode.1, memoryLimit: memoryLimit)
        for batch in batches { try spill.append(batch) }
        let rows = batches.flatMap { batch in (0..<batch.count).map { (batch, $0) } }
        #expect(spill.count == rows.count && rows.count > 20)
        #expect(spill.isOnDisk == (memoryLimit < rows.count * PackedSequenceSpill.rowBytes(sequenceLength: mode.1)))
        let order = (0..<rows.count).map { ($0 * 7 + 3) % rows.count }
        var gathered = SequenceBatch(sequenceLength: mode.1, capacity: rows.count, padID: 0, pairTask: batches[0].pairTask)
        gathered.resetForGathering()
        for index in order { try spill.appendRow(index, to: &gathered) }
        gathered.appendPaddingRow()
        for (row, index) in order.enumerated() {
            let (batch, source) = rows[index]
            let (a, b) = (gathered.rowRange(row), batch.rowRange(source))
            #expect(Array(gathered.tokens[a]) == Array(batch.tokens[b]))
            #expect(Array(gathered.flags[a]) == Array(batch.flags[b]))
            #expect(Array(gathered.tokenTypes[a]) == Array(batch.tokenTypes[b]))
            #expect(gathered.lengths[row] == batch.lengths[source])
            #expect(gathered.sequenceIndex(ofRow: row) == index && batch.sequenceIndex(ofRow: source) == index)
            if batch.pairTask != nil { #expect(gathered.pairLabels[row] == batch.pairLabels[source]) }
        }
        let pad = gathered.rowRange(order.count)
        #expect(gathered.lengths[order.count] == 0 && gathered.tokens[pad].allSatisfy { $0 == 0 })
        if gathered.pairTask != nil { #expect(gathered.pairLabels[order.count] == -100) }
    }
}
