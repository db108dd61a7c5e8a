/// How often the mask/random/keep choice is drawn.
public enum ReplacementGranularity: String, CaseIterable, Hashable, Sendable {
    /// One draw per unit; every token of the unit follows it (random ids are still drawn per token).
    /// This is SpanBERT's and PMI-Masking's rule.
    case unit
    /// One draw per token, even inside a word or span (Google BERT's rule, also under whole-word masking).
    case token
}
