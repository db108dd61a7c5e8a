import MLMCore

/// What happens to one selected token.
package enum ReplacementAction: UInt8, Hashable, Sendable {
    /// Replaced by `[MASK]`.
    case mask
    /// Replaced by a random id.
    case random
    /// Left unchanged (still predicted).
    case keep
}

/// The per-token rules of a masker, precomputed from the settings and the vocabulary.
struct ReplacementPlan {
    /// r < maskBelow → `[MASK]`.
    let maskBelow: Double
    /// maskBelow ≤ r < randomBelow → random id; else keep.
    let randomBelow: Double
    /// One replacement draw per token instead of per unit.
    let perToken: Bool
    /// How many copies selected units are spread over (1 unless P > C).
    let parts: Int
    /// Every selected token is predicted (C ≤ P).
    let predictsAll: Bool
    /// The chance that a selected token is predicted when C > P: P/C.
    let predictProbability: Double
    /// `[MASK]`.
    let maskID: Int32
    /// Unigram random ids instead of uniform ones.
    let usesUnigram: Bool
    /// The ids uniform random replacement draws from.
    let randomIDs: [UInt32]
    /// The unigram table (when `usesUnigram`).
    let unigram: UnigramAliasTable?

    /// Classifies a uniform draw.
    @inline(__always)
    func action(_ r: Double) -> ReplacementAction {
        r < maskBelow ? .mask : (r < randomBelow ? .random : .keep)
    }

    /// Draws a random replacement id.
    @inline(__always)
    func randomID(_ random: inout CounterRandom) -> UInt32 {
        if usesUnigram, let unigram { return unigram.draw(&random) }
        return randomIDs[random.below(randomIDs.count)]
    }
}
