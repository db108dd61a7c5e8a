/// The vocabulary facts the masker needs: the `[MASK]` id and where random replacement ids come from.
///
/// ```swift
/// let vocabulary = MaskingVocabulary(maskID: 103, randomIDs: Array(999..<30522), unigramCounts: counts)
/// ```
public struct MaskingVocabulary: Sendable {
    /// The id of `[MASK]`.
    public var maskID: UInt32
    /// The non-special ids; uniform random replacement draws among them.
    public var randomIDs: [UInt32]
    /// The unigram table over `randomIDs`, when counts were given and some id has a positive count.
    public var unigram: UnigramAliasTable?

    /// Creates the vocabulary facts.
    /// - Parameters:
    ///   - maskID: The id of `[MASK]`.
    ///   - randomIDs: The non-special ids (every id a random replacement may take).
    ///   - unigramCounts: Corpus occurrences per id, indexed by id, for `--random-from unigram`.
    public init(maskID: UInt32, randomIDs: [UInt32], unigramCounts: [UInt64]? = nil) {
        self.maskID = maskID
        self.randomIDs = randomIDs
        self.unigram = unigramCounts.flatMap { UnigramAliasTable(counts: $0, allowedIDs: randomIDs) }
    }
}
