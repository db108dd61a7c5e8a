import MLMCore

extension SequencePacker {
    /// Full and doc modes: puts whole sentences back to back into sequences of at most `L − 2` body tokens.
    ///
    /// A sentence that does not fit in the open sequence closes it and starts the next one. A sentence longer than
    /// `L − 2` starts a sequence too and is cut into consecutive windows of `L − 2` tokens; its last window stays
    /// open for the sentences that follow. In ``PackingMode/full`` the open sequence carries over to the next
    /// document, and a `[SEP]` goes between the two documents when the next document's first sentence fits, after
    /// that separator, in a sequence that already holds text; a document boundary that falls between two sequences
    /// gets no separator. In ``PackingMode/doc`` the open sequence is closed at the end of every document.
    ///
    /// ``bounds`` holds the document's sentences.
    mutating func packSentences<E: Error>(
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        let room = settings.sequenceLength - 2
        let separates = settings.mode == .full && !bodyIDs.isEmpty
        for sentence in 0..<(bounds.count - 1) {
            var start = bounds[sentence]
            let end = bounds[sentence + 1]
            let separator = sentence == 0 && separates ? 1 : 0
            if bodyIDs.count + separator + (end - start) <= room {
                if separator == 1 {
                    bodyIDs.append(settings.sepID)
                    bodyFlags.append(TokenFlags.special.rawValue)
                    counts.documentSeparators += 1
                    counts.specialTokens += 1
                }
                appendBody(ids: ids, flags: flags, range: start..<end)
                continue
            }
            try closeBody(emit: emit)
            if end - start > room {
                counts.sentencesSplit += 1
                while end - start > room {
                    appendBody(ids: ids, flags: flags, range: start..<(start + room))
                    try closeBody(emit: emit)
                    start += room
                }
            }
            appendBody(ids: ids, flags: flags, range: start..<end)
        }
        if settings.mode == .doc { try closeBody(emit: emit) }
    }

    /// Copies document tokens into the open body, keeping the store's flag bits.
    private mutating func appendBody(
        ids: UnsafeBufferPointer<UInt32>, flags: UnsafeBufferPointer<UInt8>, range: Range<Int>
    ) {
        let keep = TokenFlags.fromStore.rawValue
        bodyIDs.append(contentsOf: UnsafeBufferPointer(rebasing: ids[range]))
        for position in range { bodyFlags.append(flags[position] & keep) }
        counts.tokensPacked += range.count
    }

    /// Writes the open body, if any, as a row `[CLS] body [SEP]`.
    mutating func closeBody<E: Error>(emit: (SequenceBatch) throws(E) -> Void) throws(E) {
        guard !bodyIDs.isEmpty else { return }
        let keep = TokenFlags([.wordStart, .sentenceStart, .special]).rawValue
        bodyIDs.withUnsafeBufferPointer { ids in
            bodyFlags.withUnsafeBufferPointer { flags in
                batch.appendSingle(ids: ids, flags: flags, keep: keep, clsID: settings.clsID, sepID: settings.sepID)
            }
        }
        let length = bodyIDs.count + 2
        bodyIDs.removeAll(keepingCapacity: true)
        bodyFlags.removeAll(keepingCapacity: true)
        try completeRow(length: length, specials: 2, emit: emit)
    }
}
