/// A WordPiece vocabulary: tokens by id, the unknown token, the special tokens and the lookup tables.
///
/// ```swift
/// let vocabulary = try Vocabulary.load(vocabTxt: "vocab.txt")
/// vocabulary.id(of: "[MASK]")  // 103 for bert-base-uncased
/// ```
public struct Vocabulary: Sendable {
    /// Every token, indexed by id.
    public let tokens: [String]
    /// The id of the unknown token.
    public let unknownID: Int32
    /// The unknown token's text (`[UNK]`).
    public let unknownToken: String
    /// The prefix that marks a piece continuing a word (`##`).
    public let continuingPrefix: String
    /// Tokens matched in raw text before normalisation (`[CLS]`, `[SEP]`, …), with their ids.
    public let specialTokens: [(text: [UInt8], id: Int32)]
    /// Lookup of whole tokens (the first piece of a word).
    public let wordStarts: ByteKeyTable
    /// Lookup of continuing pieces, keyed without their prefix.
    public let continuations: ByteKeyTable

    /// Builds a vocabulary.
    /// - Parameters:
    ///   - tokens: Tokens in id order.
    ///   - unknownToken: The unknown token's text.
    ///   - continuingPrefix: The continuation prefix.
    ///   - specialTokens: Texts matched before normalisation; each must be in `tokens`.
    /// - Throws: ``TokenizerError`` when the unknown token or a special token is missing, or a token repeats.
    public init(
        tokens: [String],
        unknownToken: String = "[UNK]",
        continuingPrefix: String = "##",
        specialTokens: [String]? = nil
    ) throws(TokenizerError) {
        // Keys are bytes: Swift's String equality is canonical equivalence, but token ids are not.
        var index: [[UInt8]: Int32] = [:]
        index.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            if let previous = index[Array(token.utf8)] {
                throw TokenizerError(
                    .badVocabulary,
                    "token \"\(token)\" appears twice (ids \(previous) and \(id)); remove the duplicate line")
            }
            index[Array(token.utf8)] = Int32(id)
        }
        guard let unknown = index[Array(unknownToken.utf8)] else {
            throw TokenizerError(
                .missingUnknownToken,
                "the vocabulary has no unknown token \"\(unknownToken)\"; add it (BERT vocabularies have it at id 100)")
        }
        let specials = specialTokens ?? ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].filter { index[Array($0.utf8)] != nil }
        var specialEntries: [(text: [UInt8], id: Int32)] = []
        for special in specials {
            guard let id = index[Array(special.utf8)] else {
                throw TokenizerError(.badVocabulary, "special token \"\(special)\" is not in the vocabulary")
            }
            specialEntries.append((Array(special.utf8), id))
        }
        // Longest first, so that the first match at a position is the longest one.
        specialEntries.sort { $0.text.count > $1.text.count }
        let prefix = Array(continuingPrefix.utf8)
        var starts: [(key: [UInt8], value: Int32)] = []
        var continuing: [(key: [UInt8], value: Int32)] = []
        starts.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            let bytes = Array(token.utf8)
            starts.append((bytes, Int32(id)))
            if !prefix.isEmpty && bytes.count > prefix.count && bytes.starts(with: prefix) {
                continuing.append((Array(bytes[prefix.count...]), Int32(id)))
            }
        }
        self.tokens = tokens
        self.unknownID = unknown
        self.unknownToken = unknownToken
        self.continuingPrefix = continuingPrefix
        self.specialTokens = specialEntries
        self.wordStarts = ByteKeyTable(starts)
        self.continuations = ByteKeyTable(continuing)
    }

    /// The number of tokens.
    public var count: Int { tokens.count }

    /// The id of a token, if it is in the vocabulary.
    /// - Parameter token: The token text.
    /// - Returns: Its id, or nil.
    public func id(of token: String) -> Int32? {
        var bytes = Array(token.utf8)
        let value = bytes.withUnsafeMutableBufferPointer { wordStarts.value(for: UnsafeBufferPointer($0)) }
        return value >= 0 ? value : nil
    }

    /// The vocabulary as `vocab.txt` text: one token per line, in id order.
    public var vocabText: String { tokens.joined(separator: "\n") + "\n" }
}
