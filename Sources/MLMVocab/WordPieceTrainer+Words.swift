extension WordPieceTrainer {
    /// Every word as token ids: the first character as itself, the others as `##c`; characters outside the
    /// alphabet are dropped (a word that loses its first character starts with a `##c`, as in `tokenizers`).
    ///
    /// The `##c` tokens are added in code-point order (or the reference's order); `tokenizers` adds them in the
    /// order its hash map hands out the words, which changes from run to run.
    /// - Throws: ``VocabError`` when the reference's `##c` characters are not those of this corpus.
    func symbolWords(_ counts: WordCountTable, alphabet: [UInt32], tokens: inout TokenList) throws(VocabError)
        -> SymbolWords
    {
        let none = UInt32.max
        var startID = [UInt32](repeating: none, count: 0x11_0000)
        var continuingID = [UInt32](repeating: none, count: 0x11_0000)
        for scalar in alphabet { startID[Int(scalar)] = tokens.add(UTF8Scalars.encode(scalar)) }
        var continuing = [Bool](repeating: false, count: 0x11_0000)
        counts.forEach { word, _ in
            UTF8Scalars.forEach(word) { scalar, position in
                if position > 0 && startID[Int(scalar)] != none { continuing[Int(scalar)] = true }
            }
        }
        var order = alphabet.filter { continuing[Int($0)] }
        if let reference = settings.reference {
            guard Set(reference.continuations) == Set(order), reference.continuations.count == order.count else {
                throw VocabError(
                    .referenceMismatch,
                    "the reference has \(reference.continuations.count) continuation characters (\(settings.continuingPrefix)c), "
                        + "this corpus \(order.count); give the vocabulary trained on the same files and settings")
            }
            order = reference.continuations
        }
        let prefix = Array(settings.continuingPrefix.utf8)
        for scalar in order { continuingID[Int(scalar)] = tokens.add(prefix + UTF8Scalars.encode(scalar)) }
        var words = SymbolWords()
        words.starts.reserveCapacity(counts.count)
        var symbols: [UInt32] = []
        counts.forEach { word, count in
            symbols.removeAll(keepingCapacity: true)
            UTF8Scalars.forEach(word) { scalar, position in
                let id = position == 0 ? startID[Int(scalar)] : continuingID[Int(scalar)]
                if id != none { symbols.append(id) }
            }
            // A word of one symbol has no pair: it cannot change any count.
            if symbols.count > 1 { words.append(symbols, count: count) }
        }
        return words
    }
}
