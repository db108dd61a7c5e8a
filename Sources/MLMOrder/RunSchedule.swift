/// The global steps of a run of consecutive epochs, and where any step starts (`--start-step`).
///
/// Steps are numbered from 0 across the run; each epoch has its own steps (a step never mixes two epochs,
/// so every batch belongs to one epoch and its order). Locating a step is a binary search over the epochs'
/// first steps: O(log epochs) time, O(epochs) memory, nothing per sequence.
public struct RunSchedule: Hashable, Sendable {
    /// The number of the run's first epoch (`--epoch`).
    public let firstEpoch: UInt64
    /// The positions (sequences) of each epoch of the run, in order.
    public let epochLengths: [Int]
    /// The step and rank layout.
    public let layout: StepLayout
    /// The global step each epoch starts at, plus the run's total as the last element.
    public let epochStartSteps: [Int]

    /// Creates the schedule.
    /// - Parameters:
    ///   - firstEpoch: The first epoch's number.
    ///   - epochLengths: Sequences per epoch (each ≥ 0), one entry per epoch of the run.
    ///   - layout: The step and rank layout.
    public init(firstEpoch: UInt64, epochLengths: [Int], layout: StepLayout) {
        self.firstEpoch = firstEpoch
        self.epochLengths = epochLengths
        self.layout = layout
        var starts = [0]
        for length in epochLengths { starts.append(starts[starts.count - 1] + layout.steps(sequences: length)) }
        epochStartSteps = starts
    }

    /// All steps of the run.
    public var totalSteps: Int { epochStartSteps[epochStartSteps.count - 1] }

    /// Where global step `step` is: which epoch, and which step within it.
    public struct Location: Hashable, Sendable {
        /// The index of the epoch within the run (0 for the first).
        public let epochIndex: Int
        /// The epoch's number (`firstEpoch + epochIndex`).
        public let epoch: UInt64
        /// The global step.
        public let step: Int
        /// The step within its epoch.
        public let stepInEpoch: Int
    }

    /// The location of `step`, in `0..<totalSteps`.
    public func locate(step: Int) throws(OrderError) -> Location {
        guard step >= 0 && step < totalSteps else {
            throw OrderError(.stepOutOfRange, "step \(step) is outside this run's steps 0..<\(totalSteps) "
                             + "(\(epochLengths.count) epoch(s), \(layout.globalBatch) sequences per step)")
        }
        var low = 0, high = epochLengths.count - 1  // the last epoch whose start ≤ step
        while low < high {
            let middle = (low + high + 1) / 2
            if epochStartSteps[middle] <= step { low = middle } else { high = middle - 1 }
        }
        return Location(epochIndex: low, epoch: firstEpoch + UInt64(low), step: step,
                        stepInEpoch: step - epochStartSteps[low])
    }

    /// The batch one rank writes at `step`: its place and its epoch positions (those past the epoch are padding).
    public func batch(step: Int, rank: Int) throws(OrderError) -> BatchPlace {
        let location = try locate(step: step)
        let positions = layout.positions(step: location.stepInEpoch, rank: rank)
        let length = epochLengths[location.epochIndex]
        return BatchPlace(epoch: location.epoch, epochIndex: location.epochIndex, step: step, rank: rank,
                          positions: positions, realRows: max(0, min(positions.upperBound, length) - positions.lowerBound))
    }

    /// Sequences that no step holds, over the run (drop).
    public var droppedSequences: Int { epochLengths.reduce(0) { $0 + layout.droppedSequences(sequences: $1) } }

    /// Loss-free rows over the run, all ranks together (pad).
    public var paddingRows: Int { epochLengths.reduce(0) { $0 + layout.paddingRows(sequences: $1) } }
}
