/// Everything that decides which ids a text gets: the normalizer flags and the WordPiece word limit.
public struct TokenizerSettings: Hashable, Sendable {
    /// The normalizer flags.
    public var normalizer: BertNormalizerOptions
    /// Words with more characters than this become the unknown token (Hugging Face's default is 100).
    public var maxInputCharsPerWord: Int

    /// Creates settings.
    /// - Parameters:
    ///   - normalizer: Normalizer flags.
    ///   - maxInputCharsPerWord: The WordPiece word limit, in characters.
    public init(normalizer: BertNormalizerOptions = BertNormalizerOptions(), maxInputCharsPerWord: Int = 100) {
        self.normalizer = normalizer
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }
}
