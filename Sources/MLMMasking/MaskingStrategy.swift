/// What a masking unit is: the smallest group of tokens that is selected, and replaced, together.
public enum MaskingStrategy: String, CaseIterable, Hashable, Sendable {
    /// Every candidate token is its own unit (BERT, RoBERTa, ELECTRA).
    case token
    /// Whole words: a word-start candidate and the candidates after it up to the next word start or
    /// special token (BERT whole-word masking).
    case word
    /// SpanBERT spans: runs of whole words whose length in words follows a geometric distribution truncated
    /// to ``MaskingSettings/spanMin``…``MaskingSettings/spanMax`` with parameter ``MaskingSettings/spanP``.
    case span
    /// PMI-Masking: n-grams of words found by a ``UnitMatcher`` (longest first, overlaps resolved at random);
    /// every other word is a unit of its own.
    case pmi
}
