import Foundation
import MLMCore

extension Vocabulary {
    /// Reads a `vocab.txt`: one token per line, the id is the line number from 0.
    ///
    /// As Hugging Face's `WordPiece::read_file` does, a line ends at `\n` (a `\r` before it is dropped) and
    /// trailing white space is trimmed. Unlike it, a repeated token is an error (Hugging Face silently keeps
    /// the last id).
    /// - Parameter path: The file.
    /// - Returns: The vocabulary.
    /// - Throws: ``TokenizerError`` for a missing or unreadable file, a byte-order mark, a tokenizer.json, a lone
    ///   `\r`, invalid UTF-8, repeated tokens, or a missing `[UNK]`.
    public static func load(vocabTxt path: String) throws(TokenizerError) -> Vocabulary {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TokenizerError(
                .badVocabulary, "cannot read the vocabulary: \(VocabularyFileCheck.reason(error)); check --vocab",
                at: .init(file: path))
        }
        try VocabularyFileCheck.check(Array(data), path: path)
        guard String(data: data, encoding: .utf8) != nil else {
            throw TokenizerError(
                .badVocabulary, "the vocabulary is not valid UTF-8; a vocab.txt holds one UTF-8 token per line",
                at: .init(file: path))
        }
        // Split on the byte \n (Swift's Character would treat \r\n as one), drop a trailing \r, then trim
        // trailing white space as Rust's `trim_end` does.
        var pieces = Array(data).split(separator: 0x0A, omittingEmptySubsequences: false)
        if data.last == 0x0A { pieces.removeLast() }
        let lines = pieces.map { piece -> String in
            var scalars = String(decoding: piece, as: UTF8.self).unicodeScalars[...]
            while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
            return String(String.UnicodeScalarView(scalars))
        }
        if lines.isEmpty {
            throw TokenizerError(.badVocabulary, "the vocabulary is empty", at: .init(file: path))
        }
        do {
            return try Vocabulary(tokens: lines)
        } catch {
            var located = error
            located.location = .init(file: path)
            throw located
        }
    }
}
