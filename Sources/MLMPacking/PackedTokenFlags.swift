/// The per-token flag bits of a packed sequence (``SequenceBatch/flags``).
///
/// Bits 0 and 1 are copied from the tokenized store (DESIGN.md §3.3); the packer adds bit 6 on the tokens it
/// inserts (`[CLS]`, `[SEP]`, the document separator of ``PackingMode/full``) and bit 7 on padding. A window that
/// starts in the middle of a word or sentence keeps the store's bits, so its first token has neither start bit;
/// maskers treat the first candidate of a sequence as a unit start.
public struct PackedTokenFlags: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public var rawValue: UInt8

    /// Creates flags from raw bits.
    /// - Parameter rawValue: The bits.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bit 0: the token starts a word (a pre-tokenizer piece).
    public static let wordStart = PackedTokenFlags(rawValue: 1 << 0)
    /// Bit 1: the token starts a sentence.
    public static let sentenceStart = PackedTokenFlags(rawValue: 1 << 1)
    /// Bit 6: a special token added by the packer; never a masking candidate.
    public static let special = PackedTokenFlags(rawValue: 1 << 6)
    /// Bit 7: padding after the sequence's last token; attention mask 0.
    public static let padding = PackedTokenFlags(rawValue: 1 << 7)

    /// The bits the packer copies from the tokenized store.
    public static let fromStore: PackedTokenFlags = [.wordStart, .sentenceStart]
}
