import MLMCore

extension SequenceBatch {
    /// Appends `[CLS] body [SEP]` and padding as a new row.
    ///
    /// - Parameters:
    ///   - ids: The body's ids, at most `L − 2`.
    ///   - flags: The body's flags, one per id.
    ///   - keep: The flag bits the row keeps (the store's bits, and bit 6 for a body with document separators).
    ///   - clsID: The id of `[CLS]`.
    ///   - sepID: The id of `[SEP]`.
    mutating func appendSingle(
        ids: UnsafeBufferPointer<UInt32>,
        flags bodyFlags: UnsafeBufferPointer<UInt8>,
        keep: UInt8,
        clsID: UInt32,
        sepID: UInt32
    ) {
        precondition(ids.count + 2 <= sequenceLength, "a body of \(ids.count) tokens does not fit L=\(sequenceLength)")
        precondition(ids.count == bodyFlags.count, "ids and flags differ in length")
        let special = TokenFlags.special.rawValue
        appendSpecial(clsID, flag: special, type: 0)
        tokens.append(contentsOf: ids)
        for flag in bodyFlags { flags.append(flag & keep) }
        tokenTypes.append(repeating: 0, count: ids.count)
        appendSpecial(sepID, flag: special, type: 0)
        finishRow(length: ids.count + 2)
    }

    /// Appends `[CLS] A [SEP] B [SEP]` and padding as a new row, with its pair label.
    ///
    /// Token types are 0 on `[CLS]`, A and the first `[SEP]`, 1 on B and the final `[SEP]` (BERT's `segment_ids`).
    /// - Parameters:
    ///   - aIDs: Segment A's ids.
    ///   - aFlags: Segment A's store flags (only bits 0–1 are kept).
    ///   - bIDs: Segment B's ids.
    ///   - bFlags: Segment B's store flags (only bits 0–1 are kept).
    ///   - label: The pair label.
    ///   - clsID: The id of `[CLS]`.
    ///   - sepID: The id of `[SEP]`.
    mutating func appendPair(
        a aIDs: UnsafeBufferPointer<UInt32>,
        aFlags: UnsafeBufferPointer<UInt8>,
        b bIDs: UnsafeBufferPointer<UInt32>,
        bFlags: UnsafeBufferPointer<UInt8>,
        label: Int32,
        clsID: UInt32,
        sepID: UInt32
    ) {
        let length = aIDs.count + bIDs.count + 3
        precondition(length <= sequenceLength, "a pair of \(length) tokens does not fit L=\(sequenceLength)")
        let special = TokenFlags.special.rawValue
        let keep = TokenFlags.fromStore.rawValue
        appendSpecial(clsID, flag: special, type: 0)
        tokens.append(contentsOf: aIDs)
        for flag in aFlags { flags.append(flag & keep) }
        tokenTypes.append(repeating: 0, count: aIDs.count)
        appendSpecial(sepID, flag: special, type: 0)
        tokens.append(contentsOf: bIDs)
        for flag in bFlags { flags.append(flag & keep) }
        tokenTypes.append(repeating: 1, count: bIDs.count)
        appendSpecial(sepID, flag: special, type: 1)
        pairLabels.append(label)
        finishRow(length: length)
    }

    mutating func appendSpecial(_ id: UInt32, flag: UInt8, type: UInt8) {
        tokens.append(id)
        flags.append(flag)
        tokenTypes.append(type)
    }

    /// Pads the row to `L` and counts it.
    mutating func finishRow(length: Int) {
        let padding = sequenceLength - length
        tokens.append(repeating: padID, count: padding)
        flags.append(repeating: TokenFlags.padding.rawValue, count: padding)
        tokenTypes.append(repeating: 0, count: padding)
        lengths.append(Int32(length))
        count += 1
    }
}
