import MLMCore
import MLMTokenizer

/// Writes a `tokenizer.json` for a trained vocabulary, laid out as `tokenizers` saves a
/// `BertWordPieceTokenizer`: the special tokens as added tokens, `BertNormalizer`, `BertPreTokenizer`,
/// `BertProcessing` (when `[CLS]` and `[SEP]` are present), the `WordPiece` decoder and the `WordPiece` model.
public enum TokenizerJSON {
    /// The file's bytes.
    /// - Parameters:
    ///   - tokens: The vocabulary in id order.
    ///   - specialTokens: The special tokens (each in `tokens`).
    ///   - normalizer: The normalizer flags.
    ///   - unknownToken: The unknown token.
    ///   - prefix: The continuation prefix.
    /// - Returns: UTF-8 JSON, ending with a newline.
    public static func make(
        tokens: [String], specialTokens: [String], normalizer: BertNormalizerOptions,
        unknownToken: String = "[UNK]", prefix: String = "##"
    ) -> [UInt8] {
        var ids: [String: Int] = [:]
        for (id, token) in tokens.enumerated() where ids[token] == nil { ids[token] = id }
        var out: [UInt8] = []
        func text(_ string: String) { out.append(contentsOf: string.utf8) }
        func quoted(_ string: String) { JSONEscaping.appendQuoted(string, to: &out) }
        text("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [")
        for (number, special) in specialTokens.enumerated() {
            guard let id = ids[special] else { continue }
            text(number == 0 ? "\n" : ",\n")
            text("    {\n      \"id\": \(id),\n      \"content\": ")
            quoted(special)
            text(
                ",\n      \"single_word\": false,\n      \"lstrip\": false,\n      \"rstrip\": false,\n"
                    + "      \"normalized\": false,\n      \"special\": true\n    }")
        }
        text(specialTokens.isEmpty ? "],\n" : "\n  ],\n")
        let strip = normalizer.stripAccents.map { $0 ? "true" : "false" } ?? "null"
        text(
            "  \"normalizer\": {\n    \"type\": \"BertNormalizer\",\n    \"clean_text\": \(normalizer.cleanText),\n"
                + "    \"handle_chinese_chars\": \(normalizer.handleChineseChars),\n    \"strip_accents\": \(strip),\n"
                + "    \"lowercase\": \(normalizer.lowercase)\n  },\n"
                + "  \"pre_tokenizer\": {\n    \"type\": \"BertPreTokenizer\"\n  },\n")
        if let sep = ids["[SEP]"], let cls = ids["[CLS]"] {
            text(
                "  \"post_processor\": {\n    \"type\": \"BertProcessing\",\n    \"sep\": [\n      \"[SEP]\",\n"
                    + "      \(sep)\n    ],\n    \"cls\": [\n      \"[CLS]\",\n      \(cls)\n    ]\n  },\n")
        } else {
            text("  \"post_processor\": null,\n")
        }
        text("  \"decoder\": {\n    \"type\": \"WordPiece\",\n    \"prefix\": ")
        quoted(prefix)
        text(",\n    \"cleanup\": true\n  },\n  \"model\": {\n    \"type\": \"WordPiece\",\n    \"unk_token\": ")
        quoted(unknownToken)
        text(",\n    \"continuing_subword_prefix\": ")
        quoted(prefix)
        text(",\n    \"max_input_chars_per_word\": 100,\n    \"vocab\": {")
        for (id, token) in tokens.enumerated() {
            text(id == 0 ? "\n      " : ",\n      ")
            quoted(token)
            text(": \(id)")
        }
        text("\n    }\n  }\n}\n")
        return out
    }
}
