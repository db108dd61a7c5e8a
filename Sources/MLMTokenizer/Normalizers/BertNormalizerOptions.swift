/// The settings of BERT's normalizer, as in Hugging Face `tokenizers` `BertNormalizer`.
public struct BertNormalizerOptions: Hashable, Sendable {
    /// Drop control characters and map white space to spaces.
    public var cleanText: Bool
    /// Isolate CJK ideographs as words of their own.
    public var handleChineseChars: Bool
    /// Decompose (NFD) and drop non-spacing marks; nil follows ``lowercase``, as in Hugging Face.
    public var stripAccents: Bool?
    /// Lower-case every character.
    public var lowercase: Bool

    /// Creates normalizer settings; the defaults are `bert-base-uncased`'s.
    /// - Parameters:
    ///   - cleanText: Drop controls, map white space to spaces.
    ///   - handleChineseChars: Isolate CJK ideographs.
    ///   - stripAccents: Strip accents; nil means "as `lowercase`".
    ///   - lowercase: Lower-case.
    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true)
    {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// Whether accents are stripped, once the default is resolved.
    public var stripsAccents: Bool { stripAccents ?? lowercase }
}
