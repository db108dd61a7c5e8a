/// The counts a run reports at its end; they always add up: `documentsRead == documentsWritten + skipped`.
///
/// Counts are produced per chunk by workers and merged in chunk order, never shared between threads.
public struct RunCounts: Hashable, Sendable {
    /// Input files opened.
    public var files = 0
    /// Bytes read, after decompression.
    public var bytesRead = 0
    /// Lines read (plain text and JSON Lines).
    public var lines = 0
    /// Documents read.
    public var documentsRead = 0
    /// Documents written to the output.
    public var documentsWritten = 0
    /// Documents skipped, by reason.
    public var documentsSkipped: [SkipReason: Int] = [:]
    /// Sentences written (lines, or ICU sentences).
    public var sentences = 0
    /// Tokens written.
    public var tokens = 0
    /// Tokens written that are the unknown token.
    public var unknownTokens = 0
    /// Words (pre-tokenizer pieces) written.
    public var words = 0
    /// Invalid UTF-8 sequences found (replaced, or the cause of a skip).
    public var invalidUTF8Sequences = 0
    /// NUL bytes found in documents (BERT's `clean_text` drops them; the documents are kept).
    public var nulBytes = 0
    /// Records (container frames) written.
    public var records = 0

    /// Creates empty counts.
    public init() {}

    /// Total documents skipped, over every reason.
    public var documentsSkippedTotal: Int { documentsSkipped.values.reduce(0, +) }

    /// Whether `documentsRead == documentsWritten + documentsSkippedTotal`.
    public var addsUp: Bool { documentsRead == documentsWritten + documentsSkippedTotal }

    /// Counts one skipped document.
    /// - Parameter reason: Why it was skipped.
    public mutating func skip(_ reason: SkipReason) {
        documentsSkipped[reason, default: 0] += 1
    }

    /// Adds another set of counts into this one.
    /// - Parameter other: Counts from another chunk or stage.
    public mutating func merge(_ other: RunCounts) {
        files += other.files
        bytesRead += other.bytesRead
        lines += other.lines
        documentsRead += other.documentsRead
        documentsWritten += other.documentsWritten
        for (reason, count) in other.documentsSkipped { documentsSkipped[reason, default: 0] += count }
        sentences += other.sentences
        tokens += other.tokens
        unknownTokens += other.unknownTokens
        words += other.words
        invalidUTF8Sequences += other.invalidUTF8Sequences
        nulBytes += other.nulBytes
        records += other.records
    }
}
