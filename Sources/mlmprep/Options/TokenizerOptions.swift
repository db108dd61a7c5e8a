import ArgumentParser
import MLMPipeline
import MLMTokenizer

/// How the tokenizer is chosen and configured: `--vocab` or `--tokenizer`, and the normalizer flags.
struct TokenizerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A WordPiece vocab.txt (one token per line).", valueName: "file"))
    var vocab: String?

    @Option(
        help: ArgumentHelp(
            "A Hugging Face BERT tokenizer.json (sets the vocabulary and the normalizer flags).", valueName: "file"))
    var tokenizer: String?

    @Flag(help: "Keep case (BERT cased models). Default: lower-case, as bert-base-uncased.")
    var cased = false

    @Option(
        help: ArgumentHelp(
            "Strip accents (NFD, drop non-spacing marks): true or false. Default: as lower-casing.",
            valueName: "bool"))
    var stripAccents: Bool?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Words longer than this many characters become [UNK].", valueName: "n"))
    var maxCharsPerWord: Int?

    @Flag(inversion: .prefixedNo, help: "Drop control characters and map white space to spaces.")
    var cleanText = true

    @Flag(inversion: .prefixedNo, help: "Isolate CJK ideographs as words.")
    var chineseChars = true

    func validate() throws {
        if vocab == nil && tokenizer == nil {
            throw ValidationError("give a vocabulary with --vocab vocab.txt or a --tokenizer tokenizer.json")
        }
        if vocab != nil && tokenizer != nil {
            throw ValidationError("give either --vocab or --tokenizer, not both")
        }
        if let limit = maxCharsPerWord, limit < 1 || limit > 100_000 {
            throw ValidationError("--max-chars-per-word must be between 1 and 100000 (got \(limit))")
        }
    }

    /// Loads the vocabulary and resolves the settings; explicit flags override a tokenizer.json.
    func load() throws -> (Vocabulary, TokenizerSettings) {
        var vocabulary: Vocabulary
        var settings = TokenizerSettings()
        if let tokenizer {
            (vocabulary, settings) = try Vocabulary.load(tokenizerJSON: tokenizer)
            if cased { settings.normalizer.lowercase = false }
        } else {
            vocabulary = try Vocabulary.load(vocabTxt: vocab ?? "")
            settings.normalizer.lowercase = !cased
        }
        if let stripAccents { settings.normalizer.stripAccents = stripAccents }
        if let maxCharsPerWord { settings.maxInputCharsPerWord = maxCharsPerWord }
        if !cleanText { settings.normalizer.cleanText = false }
        if !chineseChars { settings.normalizer.handleChineseChars = false }
        return (vocabulary, settings)
    }

    /// The vocabulary or tokenizer file as an input for ``MLMPipeline/PathAliasing``.
    var inputPaths: [NamedPath] {
        (vocab.map { [NamedPath("--vocab", $0)] } ?? []) + (tokenizer.map { [NamedPath("--tokenizer", $0)] } ?? [])
    }
}
