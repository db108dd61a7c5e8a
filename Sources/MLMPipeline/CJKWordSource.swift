/// What a word is in Chinese (and other CJK ideograph) runs (`tokenize --cjk-words`).
public enum CJKWordSource: String, CaseIterable, Sendable {
    /// BERT's pre-tokenizer: every CJK ideograph is a word of its own (the default).
    case char
    /// ICU's word break iterator groups the ideographs of a run into dictionary words; only the word-start flags
    /// change, never the ids.
    case icu
}
