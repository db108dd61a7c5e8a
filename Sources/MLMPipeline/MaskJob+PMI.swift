import MLMMasking
import MLMPMI

extension MaskJob {
    /// The n-gram matcher of `--strategy pmi`: the table's entries as ids of the store's vocabulary.
    /// - Returns: nil for the other strategies.
    /// - Throws: ``MLMMasking/MaskingError`` when pmi has no table, ``MLMPMI/PMIError`` when the table is
    ///   unreadable or was counted with another vocabulary.
    static func loadMatcher(settings: MaskJobSettings, store: TokenStore) throws -> (any UnitMatcher)? {
        guard settings.masking.strategy == .pmi else { return nil }
        guard let path = settings.pmiTable else {
            throw MaskingError(.missingUnitMatcher, "--strategy pmi needs a PMI table: --pmi FILE (make one with mlmprep pmi)")
        }
        let table = try PMITable.read(path: path)
        try table.checkVocabulary(sha256: store.vocabularyDigest, tablePath: path)
        let (matcher, dropped) = table.makeMatcher(vocabulary: store.vocabulary)
        if dropped > 0 {
            throw PMIError(
                .invalidFile,
                "\(dropped) table entries do not split into the vocabulary's word pieces; the table is damaged or "
                    + "was edited: build it again with mlmprep pmi",
                path: path)
        }
        return matcher
    }
}
