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
    ///
    /// The vocabulary is read with an order-keeping JSON parser, so tokens that are canonically equivalent
    /// but different (U+0300 and U+0340, say) stay apart.
    /// - Parameter path: The file.
    /// - Returns: The vocabulary and the tokenizer settings it declares.
    /// - Throws: ``TokenizerError`` when the file is not a BERT WordPiece tokenizer that mlmprep reproduces.
    public static func load(tokenizerJSON path: String) throws(TokenizerError) -> (Vocabulary, TokenizerSettings) {
        let location = InputLocation(file: path)
        let root: JSONValue
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            root = try JSONValue.parse(Array(data))
        } catch {
            throw TokenizerError(
                .unsupportedTokenizer, "cannot read tokenizer.json: \(Self.reason(error))", at: location)
        }
        guard let model = root["model"], model.objectValue != nil else {
            throw TokenizerError(.unsupportedTokenizer, "no \"model\" object; is this a tokenizer.json?", at: location)
        }
        let modelType = model["type"]?.stringValue
        guard modelType == "WordPiece" || modelType == nil else {
            throw TokenizerError(
                .unsupportedTokenizer,
                "model type \(modelType ?? "none") is not WordPiece; mlmprep reproduces BERT WordPiece tokenizers",
                at: location)
        }
        guard let vocab = model["vocab"]?.objectValue else {
            throw TokenizerError(.unsupportedTokenizer, "the WordPiece model has no vocab", at: location)
        }
        var tokens = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            guard let id = value.intValue, id >= 0, id < vocab.count, tokens[id] == nil else {
                throw TokenizerError(
                    .unsupportedTokenizer, "vocab ids must be 0..<\(vocab.count), each once (\"\(token)\")",
                    at: location)
            }
            tokens[id] = token
        }
        var settings = TokenizerSettings()
        if let limit = model["max_input_chars_per_word"]?.intValue { settings.maxInputCharsPerWord = limit }
        let unknown = model["unk_token"]?.stringValue ?? "[UNK]"
        let prefix = model["continuing_subword_prefix"]?.stringValue ?? "##"
        if let normalizer = root["normalizer"], normalizer != .null {
            guard normalizer["type"]?.stringValue == "BertNormalizer" else {
                throw TokenizerError(
                    .unsupportedTokenizer,
                    "normalizer \(normalizer["type"]?.stringValue ?? "?") is not BertNormalizer; "
                        + "mlmprep reproduces BERT tokenizers",
                    at: location)
            }
            settings.normalizer.cleanText = normalizer["clean_text"]?.boolValue ?? true
            settings.normalizer.handleChineseChars = normalizer["handle_chinese_chars"]?.boolValue ?? true
            settings.normalizer.lowercase = normalizer["lowercase"]?.boolValue ?? true
            settings.normalizer.stripAccents = normalizer["strip_accents"]?.boolValue
        }
        if let pre = root["pre_tokenizer"], pre != .null, pre["type"]?.stringValue != "BertPreTokenizer" {
            throw TokenizerError(
                .unsupportedTokenizer,
                "pre-tokenizer \(pre["type"]?.stringValue ?? "?") is not BertPreTokenizer; "
                    + "mlmprep reproduces BERT tokenizers",
                at: location)
        }
        let specials = (root["added_tokens"]?.arrayValue ?? []).compactMap { $0["content"]?.stringValue }
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
        if let json = error as? JSONError { return json.message }
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return "\(error.localizedDescription)"
    }
}
