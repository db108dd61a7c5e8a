import MLMCore

extension SequenceBatch {
    /// A pair label that carries no loss (the label of a padding row).
    public static let ignoredPairLabel: Int32 = -100

    /// Empties the batch for rows gathered in any order (a shuffled batch): each appended row brings its own
    /// sequence index, which masking keys its draws by.
    public mutating func resetForGathering() {
        reset(firstSequenceIndex: 0)
    }

    /// Appends a packed row as it was packed: `L` ids, flags and types, its real length, its pair label (ignored
    /// without a pair task) and the sequence index it had in corpus order.
    public mutating func appendGatheredRow(
        tokens rowTokens: UnsafeBufferPointer<UInt32>, flags rowFlags: UnsafeBufferPointer<UInt8>,
        types rowTypes: UnsafeBufferPointer<UInt8>, length: Int32, pairLabel: Int32, sequenceIndex: Int
    ) {
        precondition(rowTokens.count == sequenceLength && rowFlags.count == sequenceLength
                     && rowTypes.count == sequenceLength, "a gathered row must hold L = \(sequenceLength) tokens")
        precondition(rowSequenceIndices.count == count, "gathered rows go into a batch reset for gathering")
        tokens.append(contentsOf: rowTokens)
        flags.append(contentsOf: rowFlags)
        tokenTypes.append(contentsOf: rowTypes)
        lengths.append(length)
        if pairTask != nil { pairLabels.append(pairLabel) }
        rowSequenceIndices.append(sequenceIndex)
        count += 1
    }

    /// Appends a loss-free row: all `[PAD]`, length 0 (so `attention_mask` 0 and `labels` −100), pair label −100.
    public mutating func appendPaddingRow() {
        precondition(rowSequenceIndices.count == count, "padding rows go into a batch reset for gathering")
        tokens.append(repeating: padID, count: sequenceLength)
        flags.append(repeating: TokenFlags.padding.rawValue, count: sequenceLength)
        tokenTypes.append(repeating: 0, count: sequenceLength)
        lengths.append(0)
        if pairTask != nil { pairLabels.append(Self.ignoredPairLabel) }
        rowSequenceIndices.append(0)
        count += 1
    }
}
