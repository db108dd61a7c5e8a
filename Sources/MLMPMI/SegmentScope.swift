/// Which stretches of text n-grams may span: a whole document or one sentence.
///
/// An n-gram never crosses a document boundary; with ``sentence`` it does not cross a sentence start either
/// (the store's flag bit 1).
public enum SegmentScope: String, Sendable, CaseIterable {
    /// N-grams may span sentences within a document (the default).
    case document
    /// N-grams stay inside one sentence.
    case sentence
}
