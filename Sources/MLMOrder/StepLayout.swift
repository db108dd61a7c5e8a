/// How the positions of an epoch are cut into global steps and the steps into rank batches.
///
/// A step is one global batch of `R × B` consecutive positions of the epoch's order; rank `r` takes rows
/// `[r·B, (r+1)·B)` of every step (Megatron's rule), so for a fixed global batch `R × B` the steps do not
/// depend on `R` and a job may resume on a different number of ranks. Positions at or past the epoch's
/// length are loss-free padding rows (only under ``TailPolicy/pad``).
public struct StepLayout: Hashable, Sendable {
    /// Rows per rank batch (`--batch-size`).
    public let batchSize: Int
    /// The number of ranks.
    public let worldSize: Int
    /// What happens to the last, partial step of an epoch.
    public let tail: TailPolicy

    /// Creates a layout.
    /// - Parameters:
    ///   - batchSize: Rows per rank batch, at least 1.
    ///   - worldSize: Ranks, at least 1.
    ///   - tail: The tail policy.
    public init(batchSize: Int, worldSize: Int, tail: TailPolicy) throws(OrderError) {
        guard batchSize >= 1 && worldSize >= 1 && batchSize <= (1 << 40) / worldSize else {
            throw OrderError(.badSetting, "the batch size (\(batchSize)) and world size (\(worldSize)) must be "
                             + "positive, with a global batch below 2^40")
        }
        self.batchSize = batchSize
        self.worldSize = worldSize
        self.tail = tail
    }

    /// Sequences per step, `R × B`.
    public var globalBatch: Int { batchSize * worldSize }

    /// The steps of an epoch of `sequences` positions: `⌊N / RB⌋` (drop) or `⌈N / RB⌉` (pad).
    public func steps(sequences: Int) -> Int {
        tail == .drop ? sequences / globalBatch : (sequences + globalBatch - 1) / globalBatch
    }

    /// The sequences of such an epoch that no step holds (drop only; fewer than `R × B`).
    public func droppedSequences(sequences: Int) -> Int {
        tail == .drop ? sequences % globalBatch : 0
    }

    /// The loss-free rows its last step carries (pad only; fewer than `R × B`).
    public func paddingRows(sequences: Int) -> Int {
        steps(sequences: sequences) * globalBatch - sequences + droppedSequences(sequences: sequences)
    }

    /// The epoch positions of rank `rank`'s batch in step `step` of an epoch (those ≥ N are padding rows).
    public func positions(step: Int, rank: Int) -> Range<Int> {
        let first = step * globalBatch + rank * batchSize
        return first..<(first + batchSize)
    }
}
