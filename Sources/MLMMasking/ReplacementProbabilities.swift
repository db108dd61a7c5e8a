/// The probabilities that a selected unit (or token) becomes `[MASK]`, a random id, or stays unchanged.
///
/// The three values are in [0, 1] and sum to 1 (checked by ``MaskingSettings/validate()``). Whatever the
/// choice, a selected token is predicted (labelled), unless corruption and prediction rates differ.
public struct ReplacementProbabilities: Hashable, Sendable {
    /// Probability of `[MASK]`.
    public var mask: Double
    /// Probability of a random id.
    public var random: Double
    /// Probability of leaving the token unchanged (it is still predicted).
    public var keep: Double

    /// Creates replacement probabilities.
    /// - Parameters:
    ///   - mask: Probability of `[MASK]`.
    ///   - random: Probability of a random id.
    ///   - keep: Probability of no change.
    public init(mask: Double, random: Double, keep: Double) {
        self.mask = mask
        self.random = random
        self.keep = keep
    }

    /// BERT's 80-10-10: 0.8 `[MASK]`, 0.1 random, 0.1 unchanged.
    public static let bert = ReplacementProbabilities(mask: 0.8, random: 0.1, keep: 0.1)
    /// Always `[MASK]` (Wettig et al. 2022's recipe).
    public static let maskOnly = ReplacementProbabilities(mask: 1, random: 0, keep: 0)
    /// ELECTRA's generator input: 0.85 `[MASK]`, 0.15 unchanged.
    public static let electra = ReplacementProbabilities(mask: 0.85, random: 0, keep: 0.15)
}
