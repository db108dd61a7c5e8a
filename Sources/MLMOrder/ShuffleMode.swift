/// How the packed sequences of an epoch are ordered (`--shuffle`).
public enum ShuffleMode: String, Hashable, Sendable, CaseIterable {
    /// Corpus order: position `p` of every epoch holds sequence `p`.
    case none
    /// A keyed pseudo-random permutation of the whole epoch (``SequencePermutation``), fresh for every epoch.
    case global
}
