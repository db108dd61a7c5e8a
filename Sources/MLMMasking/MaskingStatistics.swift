/// What the masker did to one emitted sequence (one copy); add them up per batch or run.
///
/// `selectedTokens` = `predicted` + `corruptedButNotPredicted` + (selected tokens left unchanged and unlabelled,
/// which only happens when the corruption rate exceeds the prediction rate).
public struct MaskingStatistics: Hashable, Sendable {
    /// Candidate tokens (not special).
    public var candidates = 0
    /// Units selected for this copy.
    public var selectedUnits = 0
    /// Tokens in those units.
    public var selectedTokens = 0
    /// Tokens with a label.
    public var predicted = 0
    /// Tokens replaced by `[MASK]`.
    public var maskedWithMask = 0
    /// Tokens replaced by a random id (which may equal the original by chance).
    public var randomReplaced = 0
    /// Predicted tokens left unchanged (the "keep" share).
    public var keptButPredicted = 0
    /// Tokens replaced by `[MASK]` or a random id but without a label.
    public var corruptedButNotPredicted = 0

    /// Creates empty statistics.
    public init() {}

    /// Tokens replaced by `[MASK]` or a random id.
    public var corrupted: Int { maskedWithMask + randomReplaced }

    /// Adds the counts of `other`.
    /// - Parameter other: The counts to add.
    public mutating func add(_ other: MaskingStatistics) {
        candidates += other.candidates
        selectedUnits += other.selectedUnits
        selectedTokens += other.selectedTokens
        predicted += other.predicted
        maskedWithMask += other.maskedWithMask
        randomReplaced += other.randomReplaced
        keptButPredicted += other.keptButPredicted
        corruptedButNotPredicted += other.corruptedButNotPredicted
    }
}
