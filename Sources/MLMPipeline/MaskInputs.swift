import MLMCore
import MLMMasking
import MLMPacking

/// What a mask run reads before it writes anything: the store, the packing settings with the store's special ids,
/// the ids masking draws from, and the PMI matcher; every setting checked.
struct MaskInputs {
    /// The tokenized store.
    let store: TokenStore
    /// Packing settings with `[CLS]`, `[SEP]` and `[PAD]` from the store's vocabulary.
    let packing: PackingSettings
    /// `[MASK]`, the random-replacement ids and (for `--random-from unigram`) the store's unigram counts.
    let vocabulary: MaskingVocabulary
    /// The n-gram matcher of `--strategy pmi`.
    let matcher: (any UnitMatcher)?

    /// Opens the store and checks the settings against it.
    /// - Throws: Store errors, ``MLMMasking/MaskingError`` or ``MLMPacking/PackingError`` for settings the store
    ///   cannot serve, PMI table errors.
    init(settings: MaskJobSettings) throws {
        let store = try TokenStore(directory: settings.store)
        let vocabulary = store.vocabulary
        func special(_ name: String) throws -> UInt32 {
            guard let id = vocabulary.id(of: name) else {
                throw MaskingError(.invalidSetting, "the store's vocabulary has no \(name) token, which masking needs")
            }
            return UInt32(id)
        }
        var packing = settings.packing
        packing.clsID = try special("[CLS]")
        packing.sepID = try special("[SEP]")
        packing.padID = try special("[PAD]")
        let maskID = try special("[MASK]")
        if settings.idsU16 && vocabulary.count > 65536 {
            throw MaskingError(
                .invalidSetting,
                "--ids u16 needs a vocabulary of at most 65536 tokens (this one has \(vocabulary.count))")
        }
        try settings.masking.validate()
        try packing.validate()
        let specialIDs = Set(vocabulary.specialTokens.map { UInt32($0.id) })
        let randomIDs = (0..<UInt32(vocabulary.count)).filter { !specialIDs.contains($0) }
        let unigram = settings.masking.randomFrom == .unigram ? try Self.unigramCounts(store, excluding: specialIDs) : nil
        self.store = store
        self.packing = packing
        self.vocabulary = MaskingVocabulary(maskID: maskID, randomIDs: randomIDs, unigramCounts: unigram)
        self.matcher = try MaskJob.loadMatcher(settings: settings, store: store)
    }

    /// How often each id occurs in the store, special ids counted as 0 (`--random-from unigram`).
    private static func unigramCounts(_ store: TokenStore, excluding specialIDs: Set<UInt32>) throws -> [UInt64] {
        var counts = [UInt64](repeating: 0, count: store.vocabulary.count)
        try store.forEachRecord { record in
            for id in record.ids where Int(id) < counts.count { counts[Int(id)] += 1 }
        }
        for id in specialIDs where Int(id) < counts.count { counts[Int(id)] = 0 }
        return counts
    }
}
