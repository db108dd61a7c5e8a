/// A contiguous run of one document's tokens, `start ..< end`: segment A or B of a pair.
///
/// A and B are always contiguous (consecutive sentences of one document), so truncation only moves the ends.
struct PairSegment: Hashable {
    /// The first token.
    var start: Int
    /// One past the last token.
    var end: Int

    /// The number of tokens.
    var count: Int { end - start }
}
