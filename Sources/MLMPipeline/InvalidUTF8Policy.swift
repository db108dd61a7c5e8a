/// What to do with a document that holds invalid UTF-8.
public enum InvalidUTF8Policy: String, CaseIterable, Sendable {
    /// Read each invalid sequence as U+FFFD (which the BERT normalizer drops), count and report it.
    case replace
    /// Skip the whole document, counted under `invalid-utf8`.
    case skip
    /// Stop the run with an error naming the file, line and byte.
    case fail
}

/// Where sentence boundaries come from.
public enum SentenceSource: String, CaseIterable, Sendable {
    /// Each input line is a sentence (BERT's convention).
    case lines
    /// ICU's sentence break iterator splits each document's text.
    case icu
}
