/// The per-token flag bits: one byte per token in a tokenized store's `flags` tensor and in a packed sequence.
///
/// The tokenizer writes ``wordStart`` and ``sentenceStart`` (the store's bits, docs/design.md §3.3); the packer
/// adds ``special`` on the tokens it inserts (`[CLS]`, `[SEP]`, the document separator of full-sentence packing)
/// and on any special id in the text, and ``padding`` after a sequence's last token. Maskers read ``special``
/// (never a candidate) and ``wordStart`` (unit boundaries); other bits are ignored by every reader.
///
/// ```swift
/// let flags: TokenFlags = [.wordStart, .sentenceStart]
/// flags.rawValue        // 0b11, what the store holds
/// ```
@frozen
public struct TokenFlags: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public var rawValue: UInt8

    /// Creates flags from raw bits.
    /// - Parameter rawValue: The bits.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bit 0: the token starts a word (a pre-tokenizer piece, or an ICU word with `--cjk-words icu`).
    public static let wordStart = TokenFlags(rawValue: 1 << 0)
    /// Bit 1: the token starts a sentence.
    public static let sentenceStart = TokenFlags(rawValue: 1 << 1)
    /// Bit 6: a special token; never a masking candidate.
    public static let special = TokenFlags(rawValue: 1 << 6)
    /// Bit 7: padding after the sequence's last token; attention mask 0.
    public static let padding = TokenFlags(rawValue: 1 << 7)

    /// The bits a tokenized store holds, and that the packer copies from it.
    public static let fromStore: TokenFlags = [.wordStart, .sentenceStart]
    /// The bit index of ``special``, for branch-free loops (`(flag >> specialShift) & 1`).
    public static let specialShift: UInt8 = 6
}
