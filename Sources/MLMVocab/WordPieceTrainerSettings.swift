/// The settings of ``WordPieceTrainer``, named and defaulted as Hugging Face's
/// `BertWordPieceTokenizer.train` (except the size, 30522 as bert-base).
public struct WordPieceTrainerSettings: Sendable, Hashable {
    /// Stop merging once the vocabulary holds this many tokens (it may hold more: special tokens and the
    /// alphabet are never cut).
    public var vocabSize = 30522
    /// A pair seen fewer times than this is never merged.
    public var minFrequency = 2
    /// Keep at most this many distinct characters (the most frequent); nil keeps all.
    public var limitAlphabet: Int? = 1000
    /// Tokens given ids 0, 1, … before anything else.
    public var specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    /// The prefix of a piece that continues a word.
    public var continuingPrefix = "##"
    /// Take the two choices the reference leaves to chance from this vocabulary (see ``ReferenceOrder``).
    public var reference: ReferenceOrder?

    /// Creates the default settings.
    public init() {}

    /// Checks the settings.
    /// - Throws: ``VocabError`` (`badSetting`) naming the bad value.
    public func validate() throws(VocabError) {
        if vocabSize < 1 { throw VocabError(.badSetting, "the vocabulary size must be at least 1 (got \(vocabSize))") }
        if minFrequency < 0 {
            throw VocabError(.badSetting, "the minimum frequency must be at least 0 (got \(minFrequency))")
        }
        if let limitAlphabet, limitAlphabet < 0 {
            throw VocabError(.badSetting, "the alphabet limit must be at least 0 (got \(limitAlphabet))")
        }
        var seen = Set<String>()
        for token in specialTokens {
            if token.isEmpty { throw VocabError(.badSetting, "a special token is empty; remove the empty entry") }
            if token.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                throw VocabError(.badSetting, "special token \"\(token)\" holds a line break; vocab.txt cannot store it")
            }
            if !seen.insert(token).inserted {
                throw VocabError(.badSetting, "special token \"\(token)\" is given twice; give each once")
            }
        }
    }
}

/// The two choices Hugging Face's `BpeTrainer` leaves to chance, read from one of its vocabularies so that a
/// run can be compared with it token for token.
///
/// `tokenizers` iterates its word counts in a hash map seeded per process, so (1) which of several equally
/// frequent characters `limit_alphabet` drops and (2) the ids of the `##c` continuation characters (given in
/// the order words come out of the map) change from run to run — and with them the order of equal-count merges
/// (ties break by pair ids). Everything else is determined by the corpus. Without a reference, mlmprep keeps the
/// lower code points among tied characters and numbers `##c` by code point.
public struct ReferenceOrder: Sendable, Hashable {
    /// The kept single characters (the reference's alphabet).
    public var alphabet: [UInt32]
    /// The continuation characters, in the reference's id order.
    public var continuations: [UInt32]

    /// Creates a reference order.
    /// - Parameters:
    ///   - alphabet: The kept characters.
    ///   - continuations: The `##c` characters in id order.
    public init(alphabet: [UInt32], continuations: [UInt32]) {
        self.alphabet = alphabet
        self.continuations = continuations
    }

    /// Reads the alphabet and `##c` block of a vocabulary trained by `tokenizers` (one token per line): after
    /// the special tokens, the single characters, then the `##`-prefixed single characters.
    /// - Parameters:
    ///   - tokens: The reference's tokens in id order.
    ///   - specialTokens: Its special tokens (skipped).
    ///   - prefix: The continuation prefix.
    public init(tokens: [String], specialTokens: [String], prefix: String = "##") {
        var index = 0
        let specials = Set(specialTokens)
        while index < tokens.count && specials.contains(tokens[index]) { index += 1 }
        var alphabet: [UInt32] = []
        while index < tokens.count, tokens[index].unicodeScalars.count == 1, let scalar = tokens[index].unicodeScalars.first {
            alphabet.append(scalar.value)
            index += 1
        }
        var continuations: [UInt32] = []
        while index < tokens.count, tokens[index].utf8.starts(with: prefix.utf8) {
            let rest = tokens[index].unicodeScalars.dropFirst(prefix.unicodeScalars.count)
            guard rest.count == 1, let scalar = rest.first else { break }
            continuations.append(scalar.value)
            index += 1
        }
        self.init(alphabet: alphabet, continuations: continuations)
    }
}
