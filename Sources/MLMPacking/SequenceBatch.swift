import MLMCore

/// Up to `B` packed sequences of length `L`, stored as struct-of-arrays, row after row.
///
/// Row `r` of every `[count × L]` array covers indices `r·L ..< (r+1)·L` (``rowRange(_:)``). A row holds
/// `[CLS] body [SEP]` (or `[CLS] A [SEP] B [SEP]`) followed by ``padID`` up to `L`; its real length is
/// ``lengths``. ``SequencePacker`` fills a batch and hands it to its consumer when `B` rows are complete (the last
/// batch of a run may hold fewer); it then reuses the arrays' storage for the next batch, so a consumer that keeps
/// the batch keeps a copy and one that does not costs no allocation.
///
/// ```swift
/// try packer.append(ids: ids, flags: flags) { batch in
///     for row in 0..<batch.count {
///         let tokens = batch.tokens[batch.rowRange(row)]
///         …
///     }
/// }
/// ```
public struct SequenceBatch: Hashable, Sendable {
    /// `L`, the length of every row.
    public let sequenceLength: Int
    /// `B`, the number of rows of a full batch.
    public let capacity: Int
    /// The label kind of ``pairLabels``, or `nil` when the batch has no pair labels.
    public let pairTask: PairTask?
    /// The number of rows filled.
    public internal(set) var count: Int = 0
    /// The global index of row 0 among all sequences of the run (masking keys its random draws by sequence index).
    public internal(set) var firstSequenceIndex: Int = 0
    /// The sequence index of each row when the rows are not consecutive sequences (a shuffled batch); else empty.
    public internal(set) var rowSequenceIndices: [Int] = []
    /// `[count × L]` token ids, padded with ``padID``.
    public var tokens: [UInt32] = []
    /// `[count × L]` ``TokenFlags`` bits.
    public var flags: [UInt8] = []
    /// `[count × L]` segment ids: 1 on B and its final `[SEP]` in pair packing, else 0.
    public var tokenTypes: [UInt8] = []
    /// `[count]` real lengths (special tokens included, padding excluded).
    public var lengths: [Int32] = []
    /// `[count]` pair labels (see ``PairTask``); empty unless ``pairTask`` is set.
    public var pairLabels: [Int32] = []
    /// The padding id.
    public let padID: UInt32
    /// Whether ``tokenTypes`` is output (`token_type_ids`): pair and ELECTRA packing.
    public let hasSegments: Bool

    /// Creates an empty batch with room for `capacity` rows.
    /// - Parameters:
    ///   - sequenceLength: `L`.
    ///   - capacity: `B`.
    ///   - padID: The padding id.
    ///   - pairTask: The pair label kind, or `nil`.
    ///   - hasSegments: Whether token types are output without a pair task (ELECTRA).
    public init(
        sequenceLength: Int, capacity: Int, padID: UInt32, pairTask: PairTask? = nil, hasSegments: Bool = false
    ) {
        self.hasSegments = hasSegments || pairTask != nil
        self.sequenceLength = sequenceLength
        self.capacity = capacity
        self.padID = padID
        self.pairTask = pairTask
        reserveRows()
    }

    /// Whether every row is filled.
    public var isFull: Bool { count >= capacity }

    /// The indices of row `row` in ``tokens``, ``flags`` and ``tokenTypes``.
    /// - Parameter row: A row in `0..<count`.
    /// - Returns: `row·L ..< (row+1)·L`.
    @inlinable
    public func rowRange(_ row: Int) -> Range<Int> {
        row * sequenceLength..<(row + 1) * sequenceLength
    }

    /// The global sequence index of a row.
    /// - Parameter row: A row in `0..<count`.
    /// - Returns: ``firstSequenceIndex`` `+ row`, or the row's entry of ``rowSequenceIndices`` when set.
    @inlinable
    public func sequenceIndex(ofRow row: Int) -> Int {
        rowSequenceIndices.isEmpty ? firstSequenceIndex + row : rowSequenceIndices[row]
    }

    /// Empties the batch for the rows that follow `firstSequenceIndex`, keeping the storage when it is not shared.
    /// - Parameter firstSequenceIndex: The global index of the next row to be appended.
    mutating func reset(firstSequenceIndex: Int) {
        count = 0
        self.firstSequenceIndex = firstSequenceIndex
        tokens.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        tokenTypes.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        pairLabels.removeAll(keepingCapacity: true)
        rowSequenceIndices.removeAll(keepingCapacity: true)
        reserveRows()
    }

    private mutating func reserveRows() {
        let cells = sequenceLength * capacity
        tokens.reserveCapacity(cells)
        flags.reserveCapacity(cells)
        tokenTypes.reserveCapacity(cells)
        lengths.reserveCapacity(capacity)
        if pairTask != nil { pairLabels.reserveCapacity(capacity) }
    }
}
