import MLMCore

/// One n-gram of consecutive words that a ``UnitMatcher`` found in its table.
public struct UnitMatch: Hashable, Sendable {
    /// The index of the first word (into the word lists given to the matcher).
    public var firstWord: Int32
    /// How many words, at least 2.
    public var wordCount: Int32

    /// Creates a match.
    /// - Parameters:
    ///   - firstWord: The index of the first word.
    ///   - wordCount: How many words, at least 2.
    public init(firstWord: Int32, wordCount: Int32) {
        self.firstWord = firstWord
        self.wordCount = wordCount
    }
}

/// Finds the multi-word units of PMI-Masking: the word n-grams of a sequence that are in a table.
///
/// The masker calls ``appendMatches(tokens:flags:wordStarts:wordEnds:to:)`` once per sequence with its words;
/// the matcher appends every table n-gram it finds, overlapping ones included, in an order that depends only on
/// its input. The masker then resolves them (see ``Masker``): longest first, equal-length overlaps at random,
/// matches that cross a special token dropped, and every word not covered becomes a unit of its own.
///
/// A matcher is read-only and shared by all worker threads. Keep the search inside the conforming type: the
/// masker makes one dynamic call per sequence, never one per token.
public protocol UnitMatcher: Sendable {
    /// Appends the table n-grams (of at least 2 words) among the words of one sequence.
    /// - Parameters:
    ///   - tokens: The sequence's token ids.
    ///   - flags: The sequence's ``MLMCore/TokenFlags`` bytes (for matchers that stop at sentence starts).
    ///   - wordStarts: The first token of each word, in order.
    ///   - wordEnds: One past the last token of each word. Words `i` and `i + 1` are adjacent when
    ///     `wordEnds[i] == wordStarts[i + 1]`; otherwise a special token sits between them.
    ///   - matches: Where to append the matches.
    func appendMatches(
        tokens: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        wordStarts: UnsafeBufferPointer<Int32>,
        wordEnds: UnsafeBufferPointer<Int32>,
        to matches: inout [UnitMatch]
    )
}
