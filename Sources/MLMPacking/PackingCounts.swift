/// The token budget of a packing run; the counts add up (see ``addsUp``).
///
/// Identities that hold for every mode:
/// - `tokens + randomNextTokens == tokensPacked + tokensDropped`
/// - `sequences · L == tokensPacked + specialTokens + paddingTokens`
public struct PackingCounts: Hashable, Sendable {
    /// Documents received, empty ones included.
    public var documents = 0
    /// Documents without tokens, which produce nothing.
    public var emptyDocuments = 0
    /// Sentences received.
    public var sentences = 0
    /// Tokens received.
    public var tokens = 0
    /// Document tokens written into sequences (special tokens and padding excluded).
    public var tokensPacked = 0
    /// Tokens left out: removed by `truncate_seq_pair` or, with SOP, one-token chunks that cannot form a pair.
    public var tokensDropped = 0
    /// Sequences produced.
    public var sequences = 0
    /// `[CLS]`, `[SEP]` and document-separator tokens written.
    public var specialTokens = 0
    /// Padding tokens written.
    public var paddingTokens = 0
    /// ``PackingMode/full``: `[SEP]` tokens written between two documents inside a sequence.
    public var documentSeparators = 0
    /// ``PackingMode/full`` and ``PackingMode/doc``: sentences longer than `L − 2`, split into windows.
    public var sentencesSplit = 0
    /// Pair mode: documents whose target length was drawn short (`short_seq_prob`).
    public var shortTargetDocuments = 0
    /// Pair mode: pairs with label 1 (NSP: random next; SOP: swapped).
    public var positiveLabels = 0
    /// Pair mode, NSP: pairs whose chunk held one segment, so that B had to be random (BERT's rule).
    public var forcedRandomNext = 0
    /// Pair mode, NSP: pairs whose random B came from the current document because no other was in the pool.
    public var randomNextFromSameDocument = 0
    /// Pair mode, NSP: tokens of random B segments before truncation (copies of text held in the pool).
    public var randomNextTokens = 0
    /// Pair mode, SOP: one-segment chunks split inside the segment to form A and B.
    public var segmentsSplitForOrder = 0
    /// ELECTRA mode: examples made of one segment (the 10% draw).
    public var singleSegmentExamples = 0
    /// ELECTRA mode: examples after which the next target was drawn short (`randint(5, L)`, the 5% draw).
    public var shortTargets = 0
    /// Pair mode, SOP: one-token chunks left out because they cannot form a pair.
    public var chunksDropped = 0

    /// Creates zero counts.
    public init() {}

    /// Whether every token received is accounted for.
    public var addsUp: Bool {
        tokens + randomNextTokens == tokensPacked + tokensDropped
    }
}
