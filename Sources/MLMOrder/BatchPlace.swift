/// Where one rank batch sits in the training stream: written into every batch record as the safetensors
/// `__metadata__` key `mlmprep`, so a consumer can checkpoint the step and check what it got.
public struct BatchPlace: Hashable, Sendable {
    /// The epoch's number.
    public let epoch: UInt64
    /// The epoch's index within the run (0 for the run's first).
    public let epochIndex: Int
    /// The global step (from 0 over the run).
    public let step: Int
    /// The rank the batch is for.
    public let rank: Int
    /// The batch's positions in its epoch's order; positions at or past the epoch's length are padding rows.
    public let positions: Range<Int>
    /// How many of the rows are real sequences (the first ones); the rest are loss-free padding.
    public let realRows: Int

    /// The metadata key.
    public static let metadataKey = "mlmprep"

    /// The compact JSON value: `{"epoch":E,"step":K,"rank":R,"position":P}` (`position` is the first row's
    /// position in the epoch's order), plus `"padding":N` when the batch carries loss-free rows.
    public var metadataJSON: String {
        let padding = positions.count - realRows
        let tail = padding > 0 ? ",\"padding\":\(padding)" : ""
        return "{\"epoch\":\(epoch),\"step\":\(step),\"rank\":\(rank),\"position\":\(positions.lowerBound)\(tail)}"
    }
}
