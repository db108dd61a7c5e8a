/// One unit the masker considered in its last call, kept only when recording is on (for tests and `inspect`).
package struct UnitRecord: Hashable, Sendable {
    /// The first token.
    package var start: Int
    /// One past the last token.
    package var end: Int
    /// The drawn span length in words (span strategy), else 0.
    package var spanWords: Int
    /// Whether the unit was selected (false only for the last unit, refused by the fit rule).
    package var taken: Bool
    /// The copy the unit belongs to (0 unless P > C).
    package var part: Int
    /// The replacement drawn for the whole unit, or `nil` when drawn per token or not taken.
    package var action: ReplacementAction?
}
