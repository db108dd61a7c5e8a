/// What ELECTRA's example builder carries from one example to the next (``PackingMode/electra``): the target
/// length of the next example, and the two segments being assembled (scratch).
struct ElectraBuilderState: Sendable {
    /// The next example's target length: `L`, or `randint(5, L)` after a short draw.
    var target: Int
    /// Segment B of the example being made (segment A uses the packer's body buffers).
    var secondIDs: [UInt32] = []
    /// Flags of ``secondIDs``.
    var secondFlags: [UInt8] = []

    init(sequenceLength: Int) { target = sequenceLength }
}
