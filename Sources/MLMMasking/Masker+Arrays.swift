import MLMCore

extension Masker {
    /// Masks one copy of one sequence given as arrays; allocates the result (use the buffer form in hot loops).
    /// - Parameters:
    ///   - tokens: The n real token ids.
    ///   - flags: n ``MLMCore/TokenFlags`` bytes.
    ///   - sequenceIndex: The sequence's global index.
    ///   - copy: Which copy, in 0..<``copies``.
    /// - Returns: The corrupted ids, labels and counts.
    public func mask(tokens: [UInt32], flags: [UInt8], sequenceIndex: UInt64, copy: Int = 0) -> MaskedSequence {
        var inputIDs = [Int32](repeating: 0, count: tokens.count)
        var labels = [Int32](repeating: 0, count: tokens.count)
        let statistics = tokens.withUnsafeBufferPointer { tokens in
            flags.withUnsafeBufferPointer { flags in
                inputIDs.withUnsafeMutableBufferPointer { inputIDs in
                    labels.withUnsafeMutableBufferPointer { labels in
                        mask(
                            tokens: tokens,
                            flags: flags,
                            sequenceIndex: sequenceIndex,
                            copy: copy,
                            inputIDs: inputIDs,
                            labels: labels
                        )
                    }
                }
            }
        }
        return MaskedSequence(inputIDs: inputIDs, labels: labels, statistics: statistics)
    }
}
