/// Learns a WordPiece vocabulary from word counts exactly as Hugging Face's `WordPieceTrainer` does: it is
/// `BpeTrainer` with the `##` continuation prefix, whose vocabulary (not its merges) becomes the WordPiece one.
///
/// The steps, each in its own file, follow `tokenizers/src/models/bpe/trainer.rs`:
/// 1. special tokens get ids 0, 1, …;
/// 2. the alphabet: every character's count over the words, the `limitAlphabet` most frequent kept, added
///    in code-point order (``WordPieceTrainer/keptAlphabet(_:)``);
/// 3. each word becomes ids: its first character as is, the others as `##c` (new `##c` tokens get the next
///    ids); characters outside the alphabet are dropped (``WordPieceTrainer/symbolWords(_:alphabet:tokens:)``);
/// 4. pairs are counted once, then merged from a priority queue with incremental counts — highest count first,
///    ties to the lower pair of ids; the merged token is `left + right` without `right`'s prefix; merging stops
///    at the vocabulary size, or when the best count is below `minFrequency` (``WordPieceTrainer/merge(_:tokens:)``).
///
/// ```swift
/// var settings = WordPieceTrainerSettings()
/// settings.vocabSize = 8000
/// let tokens = try WordPieceTrainer(settings: settings).train(counts)
/// ```
/// The result depends only on the word counts, never on the order they were added or merged in.
public struct WordPieceTrainer: Sendable {
    /// The settings.
    public let settings: WordPieceTrainerSettings

    /// Creates a trainer.
    /// - Parameter settings: The settings (checked here).
    /// - Throws: ``VocabError`` for a bad setting.
    public init(settings: WordPieceTrainerSettings) throws(VocabError) {
        try settings.validate()
        self.settings = settings
    }

    /// What training produced.
    public struct Result: Sendable {
        /// The tokens in id order (vocab.txt, one per line).
        public var tokens: [String]
        /// Distinct characters seen in the words.
        public var charactersSeen = 0
        /// Characters kept in the alphabet.
        public var alphabetSize = 0
        /// Tokens that exist before any merge (special tokens, alphabet, `##c`).
        public var initialSize = 0
        /// Merges applied (some only re-merge an existing token).
        public var merges = 0
    }

    /// Trains a vocabulary.
    /// - Parameter counts: The corpus's normalized words and their counts.
    /// - Returns: The vocabulary and what it is made of.
    /// - Throws: ``VocabError`` when the counts hold no word, or do not fit the ``WordPieceTrainerSettings/reference``.
    public func train(_ counts: WordCountTable) throws(VocabError) -> Result {
        var tokens = TokenList()
        for special in settings.specialTokens { tokens.add(Array(special.utf8)) }
        let (alphabet, seen) = try keptAlphabet(counts)
        var words = try symbolWords(counts, alphabet: alphabet, tokens: &tokens)
        let initialSize = tokens.count
        let merges = merge(&words, tokens: &tokens)
        var result = Result(tokens: tokens.tokens.map { String(decoding: $0, as: UTF8.self) })
        result.charactersSeen = seen
        result.alphabetSize = alphabet.count
        result.initialSize = initialSize
        result.merges = merges
        return result
    }
}
