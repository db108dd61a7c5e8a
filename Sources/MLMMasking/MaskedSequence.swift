/// One masked copy of a sequence as arrays (for `inspect`, tests and small jobs).
public struct MaskedSequence: Hashable, Sendable {
    /// The corrupted input ids.
    public var inputIDs: [Int32]
    /// The original id where predicted, −100 elsewhere.
    public var labels: [Int32]
    /// What the masker did.
    public var statistics: MaskingStatistics

    /// Creates a masked sequence.
    /// - Parameters:
    ///   - inputIDs: The corrupted input ids.
    ///   - labels: The labels.
    ///   - statistics: The counts.
    public init(inputIDs: [Int32], labels: [Int32], statistics: MaskingStatistics) {
        self.inputIDs = inputIDs
        self.labels = labels
        self.statistics = statistics
    }
}
