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
    /// - Throws: ``TokenizerError`` for a missing or unreadable file, invalid UTF-8, repeated tokens, or a
    ///   missing `[UNK]`.
    public static func load(vocabTxt path: String) throws(TokenizerError) -> Vocabulary {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TokenizerError(
                .badVocabulary, "cannot read the vocabulary: \(Self.reason(error)); check --vocab",
                at: .init(file: path))
        }
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

    /// Reads a Hugging Face `tokenizer.json` describing a BERT WordPiece tokenizer.
    /// - Parameter path: The file.
    /// - Returns: The vocabulary and the tokenizer settings it declares.
    /// - Throws: ``TokenizerError`` when the file is not a BERT WordPiece tokenizer that mlmprep reproduces.
    public static func load(tokenizerJSON path: String) throws(TokenizerError) -> (Vocabulary, TokenizerSettings) {
        let location = InputLocation(file: path)
        let object: Any
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw TokenizerError(
                .unsupportedTokenizer, "cannot read tokenizer.json: \(Self.reason(error))", at: location)
        }
        guard let root = object as? [String: Any], let model = root["model"] as? [String: Any] else {
            throw TokenizerError(.unsupportedTokenizer, "no \"model\" object; is this a tokenizer.json?", at: location)
        }
        guard (model["type"] as? String) == "WordPiece" || model["type"] == nil && model["vocab"] != nil else {
            throw TokenizerError(
                .unsupportedTokenizer,
                "model type \(model["type"] ?? "none") is not WordPiece; mlmprep reproduces BERT WordPiece tokenizers",
                at: location)
        }
        guard let vocab = model["vocab"] as? [String: Any] else {
            throw TokenizerError(.unsupportedTokenizer, "the WordPiece model has no vocab", at: location)
        }
        var tokens = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            guard let id = (value as? NSNumber)?.intValue, id >= 0, id < vocab.count, tokens[id] == nil else {
                throw TokenizerError(
                    .unsupportedTokenizer, "vocab ids must be 0..<\(vocab.count) without gaps (\"\(token)\")",
                    at: location)
            }
            tokens[id] = token
        }
        var settings = TokenizerSettings()
        if let limit = (model["max_input_chars_per_word"] as? NSNumber)?.intValue { settings.maxInputCharsPerWord = limit }
        let unknown = model["unk_token"] as? String ?? "[UNK]"
        let prefix = model["continuing_subword_prefix"] as? String ?? "##"
        if let normalizer = root["normalizer"] as? [String: Any] {
            guard (normalizer["type"] as? String) == "BertNormalizer" else {
                throw TokenizerError(
                    .unsupportedTokenizer,
                    "normalizer \(normalizer["type"] ?? "?") is not BertNormalizer; mlmprep reproduces BERT tokenizers",
                    at: location)
            }
            settings.normalizer.cleanText = normalizer["clean_text"] as? Bool ?? true
            settings.normalizer.handleChineseChars = normalizer["handle_chinese_chars"] as? Bool ?? true
            settings.normalizer.lowercase = normalizer["lowercase"] as? Bool ?? true
            settings.normalizer.stripAccents = normalizer["strip_accents"] as? Bool
        } else if root["normalizer"] != nil && !(root["normalizer"] is NSNull) {
            throw TokenizerError(.unsupportedTokenizer, "unreadable \"normalizer\"", at: location)
        }
        if let pre = root["pre_tokenizer"] as? [String: Any], (pre["type"] as? String) != "BertPreTokenizer" {
            throw TokenizerError(
                .unsupportedTokenizer,
                "pre-tokenizer \(pre["type"] ?? "?") is not BertPreTokenizer; mlmprep reproduces BERT tokenizers",
                at: location)
        }
        var specials: [String] = []
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            if let content = entry["content"] as? String { specials.append(content) }
        }
        let complete = tokens.compactMap { $0 }
        do {
            let vocabulary = try Vocabulary(
                tokens: complete, unknownToken: unknown, continuingPrefix: prefix, specialTokens: specials)
            return (vocabulary, settings)
        } catch {
            var located = error
            located.location = location
            throw located
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return "\(error.localizedDescription)"
    }
}
