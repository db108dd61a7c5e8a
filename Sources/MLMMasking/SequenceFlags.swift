/// The flag bits the masker reads: one byte per token of a packed sequence.
///
/// Bits 0 and 1 are the tokenized store's `flags` (see DESIGN.md §3.3); the packer adds ``special`` for the
/// tokens it inserts (`[CLS]`, `[SEP]`) and for any special id in the text. Other bits are ignored.
public enum SequenceFlags {
    /// Bit 0: the token starts a word (a pre-tokenizer piece).
    public static let wordStart: UInt8 = 0x01
    /// Bit 1: the token starts a sentence.
    public static let sentenceStart: UInt8 = 0x02
    /// Bit 6: the token is special and is never a masking candidate.
    public static let special: UInt8 = 0x40
}
