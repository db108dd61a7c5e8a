import MLMCore

extension SequencePacker {
    /// Single mode: cuts one document into consecutive windows of `L − 2` tokens, ignoring sentences; each window
    /// is one sequence `[CLS] window [SEP]`, and the last one may be short.
    mutating func packWindows<E: Error>(
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        let room = settings.sequenceLength - 2
        let keep = TokenFlags.fromStore.rawValue
        var start = 0
        while start < ids.count {
            let end = min(start + room, ids.count)
            batch.appendSingle(
                ids: UnsafeBufferPointer(rebasing: ids[start..<end]),
                flags: UnsafeBufferPointer(rebasing: flags[start..<end]),
                keep: keep, clsID: settings.clsID, sepID: settings.sepID)
            counts.tokensPacked += end - start
            try completeRow(length: end - start + 2, specials: 2, emit: emit)
            start = end
        }
    }
}
