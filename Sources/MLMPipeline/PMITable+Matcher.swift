import MLMPMI
import MLMMasking
import MLMTokenizer

extension PMITable {
    /// The table's n-grams as token ids, ready for PMI masking.
    ///
    /// A table word is the text of one pre-tokenizer piece that was already normalised, so WordPiece alone
    /// (greedy longest match, `##` continuations) gives back its ids; `[UNK]` is the unknown token. An entry
    /// whose words do not split back into pieces that spell them again is dropped and counted.
    /// - Parameter vocabulary: The store's vocabulary (the table's digest must match it: see ``checkVocabulary(sha256:tablePath:)``).
    /// - Returns: The matcher and the number of entries dropped.
    public func makeMatcher(vocabulary: Vocabulary) -> (matcher: WordNgramSetMatcher, dropped: Int) {
        var ngrams: [[[UInt32]]] = []
        ngrams.reserveCapacity(entries.count)
        var dropped = 0
        var cache: [Substring: [UInt32]?] = [:]
        entries: for entry in entries {
            var words: [[UInt32]] = []
            for word in entry.text.split(separator: " ", omittingEmptySubsequences: false) {
                let ids: [UInt32]?
                if let cached = cache[word] {
                    ids = cached
                } else {
                    ids = Self.wordPieces(Array(word.utf8), vocabulary: vocabulary)
                    cache[word] = ids
                }
                guard let ids else {
                    dropped += 1
                    continue entries
                }
                words.append(ids)
            }
            ngrams.append(words)
        }
        return (WordNgramSetMatcher(ngrams: ngrams), dropped)
    }

    /// WordPiece on one normalised word: the ids, or nil when the pieces do not spell the word.
    static func wordPieces(_ word: [UInt8], vocabulary: Vocabulary) -> [UInt32]? {
        guard !word.isEmpty else { return nil }
        if word == Array(vocabulary.unknownToken.utf8) { return [UInt32(vocabulary.unknownID)] }
        var ids: [UInt32] = []
        var start = 0
        return word.withUnsafeBufferPointer { bytes -> [UInt32]? in
            while start < bytes.count {
                var end = bytes.count
                var found: Int32 = -1
                while end > start {
                    let table = start == 0 ? vocabulary.wordStarts : vocabulary.continuations
                    let value = table.value(bytes.baseAddress! + start, end - start)
                    if value >= 0 {
                        found = value
                        break
                    }
                    end -= 1
                    // Only cut at character boundaries.
                    while end > start && bytes[end] & 0xC0 == 0x80 { end -= 1 }
                }
                if found < 0 { return nil }
                ids.append(UInt32(found))
                start = end
            }
            return ids
        }
    }
}
