/// How input text is laid out.
public enum InputFormat: String, CaseIterable, Sendable {
    /// Plain text: one sentence per line (see ``DocumentBoundary``).
    case text = "txt"
    /// JSON Lines: one JSON object per line, the text in a named field.
    case jsonLines = "jsonl"

    /// Guesses the format from a file name (`.jsonl`, `.json`, `.ndjson`, with or without `.zst`).
    /// - Parameter path: The file name.
    /// - Returns: ``jsonLines`` for JSON-like names, ``text`` otherwise.
    public static func guess(from path: String) -> InputFormat {
        var name = path.lowercased()
        for suffix in [".zst", ".zstd"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        for suffix in [".jsonl", ".ndjson", ".json"] where name.hasSuffix(suffix) { return .jsonLines }
        return .text
    }
}

/// What ends a document in plain text.
public enum DocumentBoundary: String, CaseIterable, Sendable {
    /// BERT's convention: a line that is empty or holds only white space ends a document.
    case blankLine = "blank-line"
    /// Every line is a document.
    case line = "line"
}
