extension BertEncoder {
    /// Creates an encoder in *word mode*: the same normalizer and pre-tokenizer, but each word's normalized
    /// bytes are appended to ``words`` (ends in ``wordEnds``) instead of being looked up with WordPiece.
    ///
    /// This is what Hugging Face's trainers see (`do_normalize` then `pre_tokenize`): special-token texts are
    /// *not* matched, so `[CLS]` in the text is the three words `[`, `cls`, `]`; and there is no word-length
    /// limit (words of up to 1,048,576 characters are kept whole).
    /// - Parameters:
    ///   - tables: The character tables.
    ///   - normalizer: The normalizer flags.
    public convenience init(wordsWith tables: BertCharacterTables, normalizer: BertNormalizerOptions) {
        // A one-token vocabulary with no special tokens: nothing is matched before normalisation.
        let placeholder: Vocabulary
        do {
            placeholder = try Vocabulary(tokens: ["[UNK]"], specialTokens: [])
        } catch {
            preconditionFailure("a one-token vocabulary is always valid: \(error)")
        }
        let settings = TokenizerSettings(normalizer: normalizer, maxInputCharsPerWord: 1 << 20)
        self.init(vocabulary: placeholder, tables: tables, settings: settings, collectsWords: true)
    }

    /// Word mode: clears ``words`` and ``wordEnds`` (keeping capacity).
    public func removeWords() {
        words.removeAll(keepingCapacity: true)
        wordEnds.removeAll(keepingCapacity: true)
    }
}
