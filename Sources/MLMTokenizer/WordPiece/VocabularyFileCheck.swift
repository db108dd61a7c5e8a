import Foundation
import MLMCore

/// Checks the bytes of a `vocab.txt` for the mistakes that would otherwise load as a different vocabulary: a
/// byte-order mark (Hugging Face reads a UTF-8 one as part of the first token, so `[PAD]` loses its id), UTF-16
/// text, a `tokenizer.json` given as `--vocab`, and carriage returns that are not part of a `\r\n`.
enum VocabularyFileCheck {
    /// The UTF-8 byte-order mark.
    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Checks a vocab.txt's bytes.
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - path: The file, for the error's location.
    /// - Throws: ``TokenizerError`` (`badVocabulary`) saying what the file is and what to do.
    static func check(_ bytes: [UInt8], path: String) throws(TokenizerError) {
        func refuse(_ message: String, line: Int = 0, offset: Int = 0) -> TokenizerError {
            TokenizerError(.badVocabulary, message, at: InputLocation(file: path, line: line, byteOffset: offset))
        }
        if bytes.starts(with: utf8BOM) {
            throw refuse(
                "the vocabulary starts with a UTF-8 byte-order mark (EF BB BF); Hugging Face reads it as part of "
                    + "the first token, so that token would have no id: remove the first 3 bytes "
                    + "(sed -i '1s/^\\xEF\\xBB\\xBF//' FILE)")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw refuse(
                "the vocabulary is UTF-16 (it starts with a UTF-16 byte-order mark); a vocab.txt is UTF-8: convert "
                    + "it with iconv -f UTF-16 -t UTF-8")
        }
        if looksLikeTokenizerJSON(bytes) {
            throw refuse("this looks like a tokenizer.json, not a vocab.txt; use --tokenizer")
        }
        var line = 1
        var lineStart = 0
        for (offset, byte) in bytes.enumerated() {
            if byte == 0x0A {
                line += 1
                lineStart = offset + 1
            } else if byte == 0x0D, let next = bytes[offset...].firstIndex(where: { $0 != 0x0D }), bytes[next] != 0x0A {
                throw refuse(
                    "a carriage return (\\r) inside line \(line) at column \(offset - lineStart + 1); a vocab.txt "
                        + "ends its lines with \\n or \\r\\n (old Mac files end them with \\r alone: convert them "
                        + "with tr '\\r' '\\n')",
                    line: line, offset: offset)
            }
        }
    }

    /// Whether the bytes are a JSON object with a `model` (a tokenizer.json).
    private static func looksLikeTokenizerJSON(_ bytes: [UInt8]) -> Bool {
        guard bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") else { return false }
        guard let value = try? JSONValue.parse(bytes) else { return false }
        return value["model"] != nil
    }

    /// A short reason for a failed read: the C error, or the parser's message.
    static func reason(_ error: any Error) -> String {
        if let json = error as? JSONError { return json.message }
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return "\(error.localizedDescription)"
    }
}
