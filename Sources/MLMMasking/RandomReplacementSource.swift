/// Where random replacement ids come from.
public enum RandomReplacementSource: String, CaseIterable, Hashable, Sendable {
    /// Uniform over the vocabulary's non-special ids (``MaskingVocabulary/randomIDs``).
    case uniform
    /// Proportional to corpus unigram counts (SpanBERT draws from the token stream itself), through a
    /// ``UnigramAliasTable``; special ids and ids never seen are never drawn.
    case unigram
}
