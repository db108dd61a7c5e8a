import MLMOrder
import Testing

/// Global steps over a run of epochs: locating any step, tails per epoch, batch places and their metadata.
@Suite struct RunScheduleTests {
    static func schedule(_ lengths: [Int], batch: Int = 4, world: Int = 2, tail: TailPolicy) throws -> RunSchedule {
        RunSchedule(firstEpoch: 5, epochLengths: lengths, layout: try StepLayout(batchSize: batch, worldSize: world, tail: tail))
    }

    /// Walking the run step by step visits every epoch's steps in order; `locate` agrees at every step.
    @Test(arguments: [TailPolicy.drop, .pad])
    func locateAgreesWithAWalkOfTheRun(tail: TailPolicy) throws {
        let lengths = [37, 0, 8, 5, 100, 3]
        let run = try Self.schedule(lengths, tail: tail)
        var expected: [(Int, Int)] = []
        for (index, length) in lengths.enumerated() {
            for step in 0..<run.layout.steps(sequences: length) { expected.append((index, step)) }
        }
        #expect(run.totalSteps == expected.count)
        for (step, (index, inEpoch)) in expected.enumerated() {
            let location = try run.locate(step: step)
            #expect(location.epochIndex == index && location.stepInEpoch == inEpoch && location.epoch == 5 + UInt64(index))
        }
        #expect(throws: OrderError.self) { try run.locate(step: run.totalSteps) }
        #expect(throws: OrderError.self) { try run.locate(step: -1) }
        #expect(run.droppedSequences == (tail == .drop ? lengths.reduce(0) { $0 + $1 % 8 } : 0))
        #expect(run.paddingRows == (tail == .pad ? lengths.reduce(0) { $0 + (8 - $1 % 8) % 8 } : 0))
    }

    /// `--start-step k`: the batches from step k on are the suffix of the batches from step 0, for every k.
    @Test func resumingAtAnyStepGivesTheSuffix() throws {
        let run = try Self.schedule([37, 21, 64], tail: .pad)
        let all = try (0..<run.totalSteps).flatMap { step in try (0..<2).map { try run.batch(step: step, rank: $0) } }
        for k in 0..<run.totalSteps {
            let resumed = try (k..<run.totalSteps).flatMap { step in try (0..<2).map { try run.batch(step: step, rank: $0) } }
            #expect(resumed == Array(all[(2 * k)...]))
        }
        let first = try run.batch(step: 5, rank: 1)  // epoch 1 starts at step 5 (⌈37/8⌉)
        #expect(first.epoch == 6 && first.positions == 4..<8 && first.realRows == 4)
        let last = try run.batch(step: 4, rank: 1)  // epoch 0's last step: positions 36..<40, 36 is real
        #expect(last.positions == 36..<40 && last.realRows == 1)
        #expect(last.metadataJSON == #"{"epoch":5,"step":4,"rank":1,"position":36,"padding":3}"#)
        #expect(first.metadataJSON == #"{"epoch":6,"step":5,"rank":1,"position":4}"#)
    }

    @Test func anEmptyRunHasNoSteps() throws {
        let run = try Self.schedule([3], tail: .drop)
        #expect(run.totalSteps == 0 && run.droppedSequences == 3)
        #expect(throws: OrderError.self) { try run.locate(step: 0) }
        #expect(try Self.schedule([], tail: .pad).totalSteps == 0)
    }
}
