import MLMOrder
import Testing

/// One rank's run end to end: exactly once per epoch, ranks and world sizes agree, resume = suffix.
@Suite struct TrainingOrderTests {
    static func batches(_ order: TrainingOrder, from start: Int = 0) throws -> [TrainingOrder.Batch] {
        try (start..<order.schedule.totalSteps).map { try order.batch(step: $0) }
    }

    static func order(world: Int, rank: Int, batch: Int, tail: TailPolicy = .pad, shuffle: ShuffleMode = .global,
                      lengths: [Int] = [101, 96, 7, 50]) throws -> TrainingOrder {
        try TrainingOrder(seed: 13, shuffle: shuffle, firstEpoch: 2, epochLengths: lengths, batchSize: batch,
                          rank: WorldRank(rank: rank, size: world), tail: tail)
    }

    /// All ranks' real rows of an epoch are that epoch's sequences, each once; `--shuffle none` gives the
    /// same multiset in corpus order; every epoch's order differs.
    @Test(arguments: [1, 2, 3, 8], [TailPolicy.pad, .drop])
    func everySequenceOncePerEpochOnAllRanks(world: Int, tail: TailPolicy) throws {
        let lengths = [101, 96, 7, 50]
        var perEpoch = lengths.map { _ in [Int]() }
        var steps: Int?
        for rank in 0..<world {
            let batches = try Self.batches(Self.order(world: world, rank: rank, batch: 3, tail: tail))
            if let steps { #expect(batches.count == steps) } else { steps = batches.count }
            for batch in batches {
                #expect(batch.place.positions.count == 3 && batch.place.rank == rank)
                perEpoch[batch.place.epochIndex] += batch.sequences
            }
        }
        for (index, length) in lengths.enumerated() {
            let sequences = perEpoch[index]
            #expect(Set(sequences).count == sequences.count)
            let dropped = tail == .drop ? length % (3 * world) : 0
            #expect(sequences.count == length - dropped)
            if tail == .pad { #expect(Set(sequences) == Set(0..<length)) }
        }
        let plain = try Self.batches(Self.order(world: 1, rank: 0, batch: 4, shuffle: .none))
        #expect(plain.filter { $0.place.epochIndex == 0 }.flatMap(\.sequences) == Array(0..<101))
        let shuffled = try Self.order(world: 1, rank: 0, batch: 4)
        let epochOrders = (0..<4).map { e in (0..<7).map { shuffled.permutation(epochIndex: e)[$0] } }
        #expect(Set(epochOrders).count == 4)
    }

    /// Global batch 8: R = 1, 2, 4 give the same global steps; resuming at any step gives the suffix.
    @Test func worldSizesAgreeAndResumeIsTheSuffix() throws {
        var reference: [[Int]]?
        for world in [1, 2, 4] {
            let ranks = try (0..<world).map { try Self.batches(Self.order(world: world, rank: $0, batch: 8 / world)) }
            let steps = (0..<ranks[0].count).map { step in ranks.flatMap { $0[step].sequences } }
            if let reference { #expect(steps == reference) } else { reference = steps }
        }
        let order = try Self.order(world: 2, rank: 1, batch: 4)
        let all = try Self.batches(order)
        for k in [0, 1, 13, 14, all.count - 1] {
            #expect(try Self.batches(order, from: k) == Array(all[k...]))
        }
        #expect(throws: OrderError.self) { try order.batch(step: all.count) }
    }
}
