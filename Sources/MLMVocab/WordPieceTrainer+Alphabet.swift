extension WordPieceTrainer {
    /// The characters kept in the alphabet, in code-point order, and how many distinct ones the words hold.
    ///
    /// `tokenizers` counts each character over the words (times the word's count), and when there are more
    /// than `limit_alphabet` it drops the least frequent. Among equally frequent characters at the cut its
    /// choice is arbitrary (an unstable sort of a hash map); here the lower code points are kept, or the
    /// reference's choice when ``WordPieceTrainerSettings/reference`` is set.
    /// - Throws: ``VocabError`` when there are no characters, or the reference's alphabet is not a valid cut.
    func keptAlphabet(_ counts: WordCountTable) throws(VocabError) -> (kept: [UInt32], seen: Int) {
        var frequency = [Int](repeating: 0, count: 0x11_0000)
        counts.forEach { word, count in
            UTF8Scalars.forEach(word) { scalar, _ in frequency[Int(scalar)] += count }
        }
        var present: [(scalar: UInt32, count: Int)] = []
        for scalar in 0..<frequency.count where frequency[scalar] > 0 { present.append((UInt32(scalar), frequency[scalar])) }
        if present.isEmpty {
            throw VocabError(.emptyCorpus, "the input holds no words; check the files, --format and --field")
        }
        let removeCount = settings.limitAlphabet.map { max(present.count - $0, 0) } ?? 0
        guard removeCount > 0 else { return (present.map(\.scalar), present.count) }
        // Least frequent first; among equals, the higher code point goes first.
        let order = present.sorted { $0.count != $1.count ? $0.count < $1.count : $0.scalar > $1.scalar }
        var kept = order[removeCount...].map(\.scalar)
        if let reference = settings.reference {
            let threshold = removeCount < order.count ? order[removeCount].count : Int.max  // the lowest count kept
            let referenceSet = Set(reference.alphabet)
            let fits =
                referenceSet.count == kept.count
                && referenceSet.allSatisfy { frequency[Int($0)] >= threshold }
                && present.allSatisfy { $0.count <= threshold || referenceSet.contains($0.scalar) }
            guard fits else {
                throw VocabError(
                    .referenceMismatch,
                    "the reference alphabet (\(referenceSet.count) characters) is not the \(kept.count) most frequent "
                        + "characters of this corpus; give the vocabulary trained on the same files and settings")
            }
            kept = Array(referenceSet)
        }
        return (kept.sorted(), present.count)
    }
}
