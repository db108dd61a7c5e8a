import MLMOrder
import Testing

/// Steps, ranks and tails: equal full batches on every rank, nothing twice, elastic global steps.
@Suite struct StepLayoutTests {
    static let counts = [1, 2, 7, 63, 64, 65, 97, 1000, 1023]

    /// Every rank's batches over one epoch, as sequences (nil for a padding row), with the shuffled order.
    static func rankBatches(count: Int, batch: Int, world: Int, tail: TailPolicy) throws -> [[[Int?]]] {
        let layout = try StepLayout(batchSize: batch, worldSize: world, tail: tail)
        let order = SequencePermutation(count: count, key: OrderKey.make(seed: 9, epoch: 2))
        return (0..<world).map { rank in
            (0..<layout.steps(sequences: count)).map { step in
                layout.positions(step: step, rank: rank).map { $0 < count ? order[$0] : nil }
            }
        }
    }

    @Test(arguments: [1, 2, 3, 8], [TailPolicy.drop, .pad])
    func everyRankGetsEqualFullBatchesAndNothingTwice(world: Int, tail: TailPolicy) throws {
        for count in Self.counts {
            for batch in [1, 3, 8] {
                let ranks = try Self.rankBatches(count: count, batch: batch, world: world, tail: tail)
                let layout = try StepLayout(batchSize: batch, worldSize: world, tail: tail)
                let steps = layout.steps(sequences: count)
                #expect(ranks.allSatisfy { $0.count == steps && $0.allSatisfy { $0.count == batch } })
                let real = ranks.flatMap { $0.flatMap { $0.compactMap { $0 } } }
                #expect(Set(real).count == real.count, "a sequence twice in one epoch")
                let padding = ranks.reduce(0) { $0 + $1.reduce(0) { $0 + $1.filter { $0 == nil }.count } }
                #expect(padding == layout.paddingRows(sequences: count))
                #expect(real.count + layout.droppedSequences(sequences: count) == count, "counts add up")
                let global = batch * world
                switch tail {
                case .drop: #expect(steps == count / global && padding == 0)
                case .pad: #expect(steps == (count + global - 1) / global && real.count == count && padding < global)
                }
            }
        }
    }

    /// For a fixed global batch, R = 1, 2, 4 (B = 8, 4, 2) give the same global steps, row for row.
    @Test(arguments: [TailPolicy.drop, .pad])
    func theGlobalStepsDoNotDependOnTheWorldSize(tail: TailPolicy) throws {
        for count in [5, 8, 9, 100, 1001] {
            var reference: [[Int?]]?
            for world in [1, 2, 4] {
                let ranks = try Self.rankBatches(count: count, batch: 8 / world, world: world, tail: tail)
                let steps = (0..<ranks[0].count).map { step in ranks.flatMap { $0[step] } }
                if let reference { #expect(steps == reference, "R = \(world), N = \(count)") } else { reference = steps }
            }
        }
    }

    @Test func ranksParseAndComeFromTheEnvironment() throws {
        #expect(try WorldRank(parsing: "3/8") == WorldRank(rank: 3, size: 8))
        for bad in ["8/8", "-1/4", "1", "a/b", "1/0", "1/2/3", ""] {
            #expect(throws: OrderError.self) { try WorldRank(parsing: bad) }
        }
        #expect(try WorldRank.fromEnvironment(["RANK": "1", "WORLD_SIZE": "2"]) == WorldRank(rank: 1, size: 2))
        #expect(try WorldRank.fromEnvironment(["RANK": "1"]) == nil)
        #expect(try WorldRank.fromEnvironment([:]) == nil)
        #expect(throws: OrderError.self) { try WorldRank.fromEnvironment(["RANK": "2", "WORLD_SIZE": "2"]) }
        #expect(throws: OrderError.self) { try WorldRank.fromEnvironment(["RANK": "x", "WORLD_SIZE": "2"]) }
        #expect(throws: OrderError.self) { try StepLayout(batchSize: 0, worldSize: 1, tail: .drop) }
    }
}
