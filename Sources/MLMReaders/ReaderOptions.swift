import MLMCore

/// Settings of the streaming readers.
public struct ReaderOptions: Sendable {
    /// The input format; nil guesses it per file from the name.
    public var format: InputFormat?
    /// The JSON Lines field that holds the text.
    public var field: String = "text"
    /// What ends a document in plain text.
    public var boundary: DocumentBoundary = .blankLine
    /// A chunk is handed on once it holds at least this many bytes of text (at a document boundary).
    public var targetChunkBytes: Int = 1 << 20
    /// Lines longer than this are not buffered: their document is skipped with reason `line-too-long`.
    public var maxLineBytes: Int = 16 << 20
    /// A plain-text document is cut into several at a line boundary once it holds this many bytes, so that
    /// memory stays bounded on files without blank lines; each cut is reported.
    public var maxDocumentBytes: Int = 64 << 20
    /// How many bytes each read from a file asks for (the fuzz harnesses use a few bytes, so that lines and
    /// records span reads).
    public var readChunkBytes: Int = 1 << 20

    /// What to do with a JSON Lines record that is not valid JSON, lacks the field, or holds a non-string.
    public var badRecords: BadRecordPolicy = .fail
    /// The share of the inputs to read (`--worker I/N`; see ``InputSlicePlan``).
    public var worker: WorkerSlice = .all

    /// Creates the default settings.
    public init() {}
}

/// What to do with a malformed JSON Lines record.
public enum BadRecordPolicy: String, CaseIterable, Sendable {
    /// Stop with an error naming the file, line and column (the default: bad records usually mean the wrong
    /// file or the wrong `--field`).
    case fail
    /// Skip the record, count it under its reason and report it as a warning.
    case skip
}
