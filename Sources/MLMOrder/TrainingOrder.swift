/// The whole order of one rank's run: which sequences each of its batches holds, from any step on.
///
/// Combines the ``RunSchedule`` (steps over the run's epochs, rank rows, tail) with each epoch's
/// ``SequencePermutation`` keyed by (seed, epoch). `batch(step:)` is O(B + log epochs) with no state, so
/// `--start-step k` starts at step k directly, and two ranks (or two runs with another world size and the
/// same global batch) agree on every global step.
///
/// ```swift
/// let order = try TrainingOrder(seed: 42, shuffle: .global, firstEpoch: 0, epochLengths: [10_000],
///                               batchSize: 32, rank: WorldRank(rank: 1, size: 4), tail: .pad)
/// for step in 0..<order.schedule.totalSteps {
///     let batch = try order.batch(step: step)   // batch.sequences: B indices, batch.place: metadata
/// }
/// ```
public struct TrainingOrder: Sendable {
    /// Steps and rows of the run.
    public let schedule: RunSchedule
    /// The run's seed.
    public let seed: UInt64
    /// Shuffled epochs or corpus order.
    public let shuffle: ShuffleMode
    /// The rank whose batches this order gives.
    public let rank: WorldRank

    /// One rank batch: where it is and which sequences its real rows hold, in row order.
    public struct Batch: Hashable, Sendable {
        /// Epoch, step, rank, positions, real rows (the metadata written into the record).
        public let place: BatchPlace
        /// The sequence index (within its epoch) of each real row; rows past these are padding.
        public let sequences: [Int]
    }

    /// Creates the order.
    /// - Parameters:
    ///   - seed: The run's seed.
    ///   - shuffle: `--shuffle`.
    ///   - firstEpoch: `--epoch`.
    ///   - epochLengths: Packed sequences per epoch, one entry per epoch of the run.
    ///   - batchSize: Rows per rank batch.
    ///   - rank: This process's rank.
    ///   - tail: What happens to each epoch's last partial step.
    public init(seed: UInt64, shuffle: ShuffleMode, firstEpoch: UInt64, epochLengths: [Int], batchSize: Int,
                rank: WorldRank, tail: TailPolicy) throws(OrderError) {
        if let bad = epochLengths.first(where: { $0 < 0 || $0 > SequencePermutation.maximumCount }) {
            throw OrderError(.badSetting, "an epoch of \(bad) sequences cannot be ordered")
        }
        let layout = try StepLayout(batchSize: batchSize, worldSize: rank.size, tail: tail)
        schedule = RunSchedule(firstEpoch: firstEpoch, epochLengths: epochLengths, layout: layout)
        self.seed = seed
        self.shuffle = shuffle
        self.rank = rank
    }

    /// The order of the run's epoch `epochIndex` (0 for the first): position → sequence.
    public func permutation(epochIndex: Int) -> SequencePermutation {
        let epoch = schedule.firstEpoch + UInt64(epochIndex)
        return SequencePermutation(count: max(1, schedule.epochLengths[epochIndex]),
                                   key: OrderKey.make(seed: seed, epoch: epoch), shuffle: shuffle)
    }

    /// This rank's batch at global step `step` (in `0..<schedule.totalSteps`).
    public func batch(step: Int) throws(OrderError) -> Batch {
        let place = try schedule.batch(step: step, rank: rank.rank)
        let order = permutation(epochIndex: place.epochIndex)
        let real = place.positions.lowerBound..<(place.positions.lowerBound + place.realRows)
        return Batch(place: place, sequences: real.map { order[$0] })
    }
}
