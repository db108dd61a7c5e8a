/// Why a document was not written. Every skipped document is counted under exactly one reason.
public enum SkipReason: String, CaseIterable, Hashable, Sendable, Comparable {
    /// The document had no text, or its text produced no tokens.
    case empty = "empty"
    /// The document held invalid UTF-8 and `--invalid-utf8 skip` was given.
    case invalidUTF8 = "invalid-utf8"
    /// A JSON Lines record was not valid JSON.
    case malformedJSON = "malformed-json"
    /// A JSON Lines record had no value for the text field.
    case missingField = "missing-field"
    /// A JSON Lines record's text field was not a string.
    case fieldNotString = "field-not-string"
    /// A line was longer than `--max-line-bytes`.
    case lineTooLong = "line-too-long"
    /// The document held a NUL byte and `--nul skip` semantics applied.
    case nulByte = "nul-byte"

    public static func < (lhs: SkipReason, rhs: SkipReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
