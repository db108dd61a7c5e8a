import Foundation
import MLMCore

extension Vocabulary {
    /// Reads a Hugging Face `tokenizer.json` describing a BERT WordPiece tokenizer.
    ///
    /// The file is accepted only when every part that decides ids is one mlmprep reproduces exactly: a
    /// `BertNormalizer` (booleans `clean_text`, `handle_chinese_chars`, `lowercase`; `strip_accents` a boolean or
    /// null), a `BertPreTokenizer`, a `WordPiece` model with the `##` continuation prefix, a string `unk_token` in
    /// its vocab and a positive `max_input_chars_per_word`, and added tokens that are vocab entries with the same
    /// id, matched as written (not `normalized`, no `lstrip`/`rstrip`/`single_word`). Anything else is an error
    /// naming the part and its value: Hugging Face would give other ids than BERT's. The vocabulary is read with an
    /// order-keeping JSON parser, so tokens that are canonically equivalent but different (U+0300 and U+0340) stay
    /// apart.
    /// - Parameter path: The file.
    /// - Returns: The vocabulary and the tokenizer settings it declares.
    /// - Throws: ``TokenizerError`` (`unsupportedTokenizer`) naming the file and the part.
    public static func load(tokenizerJSON path: String) throws(TokenizerError) -> (Vocabulary, TokenizerSettings) {
        let location = InputLocation(file: path)
        func refuse(_ message: String) -> TokenizerError { TokenizerError(.unsupportedTokenizer, message, at: location) }
        let root = try TokenizerJSONCheck.parse(path, refuse)
        guard let model = root["model"], model.objectValue != nil else {
            throw refuse("no \"model\" object; is this a tokenizer.json?")
        }
        let (tokens, modelSettings) = try TokenizerJSONCheck.wordPiece(model, refuse)
        var settings = modelSettings
        settings.normalizer = try TokenizerJSONCheck.normalizer(root["normalizer"], refuse)
        try TokenizerJSONCheck.preTokenizer(root["pre_tokenizer"], refuse)
        let specials = try TokenizerJSONCheck.addedTokens(root["added_tokens"], tokens: tokens, refuse)
        do {
            let vocabulary = try Vocabulary(
                tokens: tokens, unknownToken: modelSettings.unknownToken, continuingPrefix: "##",
                specialTokens: specials)
            return (vocabulary, settings.tokenizer)
        } catch {
            var located = error
            located.location = location
            throw located
        }
    }
}

/// The checks of ``Vocabulary/load(tokenizerJSON:)``, one per part of the file.
enum TokenizerJSONCheck {
    typealias Refuse = (String) -> TokenizerError

    /// What the model part sets.
    struct ModelSettings {
        var tokenizer = TokenizerSettings()
        var unknownToken = "[UNK]"
        var normalizer: BertNormalizerOptions {
            get { tokenizer.normalizer }
            set { tokenizer.normalizer = newValue }
        }
    }

    /// Reads and parses the file; a byte-order mark or a vocab.txt is named.
    static func parse(_ path: String, _ refuse: Refuse) throws(TokenizerError) -> JSONValue {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw refuse("cannot read tokenizer.json: \(VocabularyFileCheck.reason(error))")
        }
        if bytes.starts(with: VocabularyFileCheck.utf8BOM) {
            throw refuse(
                "the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON readers (Hugging Face "
                    + "tokenizers, Python's json.load) refuse; remove the first 3 bytes")
        }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            if let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first != UInt8(ascii: "{") {
                throw refuse("this is not JSON; it looks like a vocab.txt (one token per line): use --vocab")
            }
            throw refuse("cannot read tokenizer.json: \(VocabularyFileCheck.reason(error))")
        }
    }

    /// The model: WordPiece, `##`, `unk_token`, `max_input_chars_per_word`, the vocab.
    static func wordPiece(_ model: JSONValue, _ refuse: Refuse) throws(TokenizerError) -> ([String], ModelSettings) {
        let type = model["type"]
        // Files of old tokenizers versions may omit the type; only WordPiece has a vocab and no merges.
        if !(type?.stringValue == "WordPiece" || (type == nil && model["merges"] == nil)) {
            throw refuse(
                "model \(describe(type)) is not WordPiece; mlmprep reproduces BERT WordPiece tokenizers")
        }
        var settings = ModelSettings()
        if let prefix = model["continuing_subword_prefix"], prefix.stringValue != "##" {
            throw refuse("model continuing_subword_prefix is \(describe(prefix)), not BERT's \"##\"")
        }
        if let unknown = model["unk_token"] {
            guard let text = unknown.stringValue else { throw refuse("model unk_token is \(describe(unknown))") }
            settings.unknownToken = text
        }
        if let limit = model["max_input_chars_per_word"] {
            guard let value = limit.intValue, (1...100_000).contains(value) else {
                throw refuse("model max_input_chars_per_word is \(describe(limit)), not a number in 1…100000")
            }
            settings.tokenizer.maxInputCharsPerWord = value
        }
        guard let vocab = model["vocab"]?.objectValue else { throw refuse("the WordPiece model has no vocab") }
        var tokens = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            guard let id = value.intValue, id >= 0, id < vocab.count, tokens[id] == nil else {
                throw refuse("vocab ids must be 0..<\(vocab.count), each once (\"\(token)\")")
            }
            tokens[id] = token
        }
        return (tokens.compactMap { $0 }, settings)
    }

    /// The normalizer: BertNormalizer with boolean flags (`strip_accents` may be null: as `lowercase`).
    static func normalizer(_ part: JSONValue?, _ refuse: Refuse) throws(TokenizerError) -> BertNormalizerOptions {
        guard let part, part != .null else {
            throw refuse(
                "normalizer is null; BERT's is BertNormalizer (without one Hugging Face neither lower-cases nor "
                    + "cleans the text, which mlmprep does not reproduce)")
        }
        guard part["type"]?.stringValue == "BertNormalizer" else {
            throw refuse("normalizer \(describe(part["type"])) is not BertNormalizer; mlmprep reproduces BERT tokenizers")
        }
        var options = BertNormalizerOptions()
        func flag(_ name: String, default value: Bool) throws(TokenizerError) -> Bool {
            guard let field = part[name] else { return value }
            guard let bool = field.boolValue else { throw refuse("normalizer \(name) is \(describe(field)), not true or false") }
            return bool
        }
        options.cleanText = try flag("clean_text", default: true)
        options.handleChineseChars = try flag("handle_chinese_chars", default: true)
        options.lowercase = try flag("lowercase", default: true)
        if let strip = part["strip_accents"], strip != .null {
            guard let bool = strip.boolValue else {
                throw refuse("normalizer strip_accents is \(describe(strip)), not true, false or null")
            }
            options.stripAccents = bool
        }
        return options
    }

    /// The pre-tokenizer: BertPreTokenizer.
    static func preTokenizer(_ part: JSONValue?, _ refuse: Refuse) throws(TokenizerError) {
        guard let part, part != .null else {
            throw refuse(
                "pre_tokenizer is null; BERT's is BertPreTokenizer (without one Hugging Face does not split words)")
        }
        guard part["type"]?.stringValue == "BertPreTokenizer" else {
            throw refuse(
                "pre_tokenizer \(describe(part["type"])) is not BertPreTokenizer; mlmprep reproduces BERT tokenizers")
        }
    }

    /// The added tokens: vocab entries with the same id, matched as written.
    static func addedTokens(_ part: JSONValue?, tokens: [String], _ refuse: Refuse) throws(TokenizerError) -> [String] {
        guard let part, part != .null else { return [] }
        guard let list = part.arrayValue else { throw refuse("added_tokens is \(describe(part)), not a list") }
        var contents: [String] = []
        for entry in list {
            guard let content = entry["content"]?.stringValue else {
                throw refuse("an added token has no content: \(describe(entry))")
            }
            if let id = entry["id"], id.intValue.map({ $0 >= 0 && $0 < tokens.count && tokens[$0] == content }) != true {
                throw refuse(
                    "added token \"\(content)\" has id \(describe(id)), which is not its id in the model's vocab; "
                        + "mlmprep reads tokenizers whose added tokens are vocab entries")
            }
            for name in ["normalized", "lstrip", "rstrip", "single_word"] where entry[name]?.boolValue == true {
                throw refuse(
                    "added token \"\(content)\" has \(name): true; mlmprep matches added tokens exactly as written")
            }
            contents.append(content)
        }
        return contents
    }

    /// A value as it appears in the file (`"BPE"`, `null`, `5`), or `none` when absent.
    static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "none" }
        let text = value.compactPrinted()
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}
