import MLMCore

/// Pair packing follows Google BERT's `create_instances_from_document` (create_pretraining_data.py), one document at
/// a time, with the same random decisions in the same order:
///
/// 1. `max_num_tokens = L − 3`; the target length is `max_num_tokens`, or with probability `short_seq_prob`
///    `randint(2, max_num_tokens)` (both ends inclusive), drawn once per document.
/// 2. Sentences are added to a chunk until its length reaches the target or the document ends.
/// 3. `a_end = randint(1, len(chunk) − 1)` when the chunk holds two or more sentences, else 1; A = `chunk[:a_end]`.
/// 4. NSP: B is random when the chunk holds one sentence or with probability 0.5: a random document (up to 10 tries
///    to find one other than the current document), from a random sentence, sentences appended until B reaches
///    `target − len(A)`; the chunk's unused sentences are put back. Otherwise B = `chunk[a_end:]`.
/// 5. `truncate_seq_pair`: while `len(A) + len(B) > max_num_tokens`, trim the longer (B on a tie), from the front
///    with probability 0.5, else from the back.
///
/// Differences, all forced by streaming or by SOP:
/// - The random document comes from ``PackingSettings/randomDocumentPool`` recent documents, not the whole corpus.
///   For the first document the pool holds only itself, and, as in BERT after 10 failed tries, B then comes from
///   the document itself.
/// - SOP (ALBERT): A and B are the chunk's two consecutive parts, swapped with probability 0.5 before truncation, as
///   ALBERT does. ALBERT takes B from a random document when the chunk holds one sentence (and labels it 1, as if
///   swapped); here such a sentence is split instead, at a random word start inside it (at a random token if it is
///   one word), so that A and B are always consecutive text. A one-token chunk cannot be split and is dropped.
extension SequencePacker {
    /// Pair mode: makes every `[CLS] A [SEP] B [SEP]` pair of one document (``bounds`` holds its sentences).
    mutating func packPairs<E: Error>(
        index: Int,
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        var random = CounterRandom(
            seed: settings.seed, epoch: settings.epoch, index: UInt64(index), stream: Self.randomStream)
        let maxTokens = settings.sequenceLength - 3
        var target = maxTokens
        if random.uniform() < settings.shortSequenceProbability {
            target = 2 + random.below(maxTokens - 1)  // randint(2, max_num_tokens)
            counts.shortTargetDocuments += 1
        }
        if settings.pairTask == .nsp {
            _ = pool.add(index: index, ids: ids, flags: flags, bounds: bounds)
        }
        let sentenceCount = bounds.count - 1
        var chunkStart = 0
        var chunkLength = 0
        var sentence = 0
        while sentence < sentenceCount {
            chunkLength += bounds[sentence + 1] - bounds[sentence]
            if sentence == sentenceCount - 1 || chunkLength >= target {
                let putBack = try makePair(
                    index: index, chunk: chunkStart...sentence, target: target, ids: ids, flags: flags,
                    random: &random, emit: emit)
                sentence -= putBack
                chunkStart = sentence + 1
                chunkLength = 0
            }
            sentence += 1
        }
    }

    /// Makes the pair of one chunk of sentences.
    /// - Returns: The number of the chunk's sentences put back (NSP random next), to be read again.
    private mutating func makePair<E: Error>(
        index: Int,
        chunk: ClosedRange<Int>,
        target: Int,
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        random: inout CounterRandom,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) -> Int {
        let segments = chunk.count
        let aEnd = segments >= 2 ? 1 + random.below(segments - 1) : 1  // randint(1, len(chunk) - 1)
        var a = PairSegment(start: bounds[chunk.lowerBound], end: bounds[chunk.lowerBound + aEnd])
        let rest = PairSegment(start: a.end, end: bounds[chunk.upperBound + 1])
        switch settings.pairTask {
        case .nsp:
            if segments == 1 || random.uniform() < 0.5 {
                try appendRandomNext(
                    index: index, a: a, target: target, forced: segments == 1, ids: ids, flags: flags,
                    random: &random, emit: emit)
                return segments - aEnd
            }
            var b = rest
            truncatePair(&a, &b, random: &random)
            try appendPair(a: a, b: b, label: 0, ids: ids, flags: flags, emit: emit)
        case .sop:
            var b = rest
            if segments == 1 {
                guard a.count >= 2 else {
                    counts.chunksDropped += 1
                    counts.tokensDropped += a.count
                    return 0
                }
                let split = splitPoint(of: a, flags: flags, random: &random)
                b = PairSegment(start: split, end: a.end)
                a.end = split
                counts.segmentsSplitForOrder += 1
            }
            let swapped = random.uniform() < 0.5
            if swapped { swap(&a, &b) }
            truncatePair(&a, &b, random: &random)
            try appendPair(a: a, b: b, label: swapped ? 1 : 0, ids: ids, flags: flags, emit: emit)
        }
        return 0
    }

    /// NSP: takes B from a random document of the pool, starting at a random sentence, and appends the pair.
    private mutating func appendRandomNext<E: Error>(
        index: Int,
        a: PairSegment,
        target: Int,
        forced: Bool,
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        random: inout CounterRandom,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        let targetB = target - a.count
        var slot = pool.slot(at: random.below(pool.count))
        var tries = 1
        while pool.slots[slot].index == index && tries < 10 {
            slot = pool.slot(at: random.below(pool.count))
            tries += 1
        }
        let other = pool.slots[slot]
        if other.index == index { counts.randomNextFromSameDocument += 1 }
        let first = random.below(other.sentenceCount)
        var last = first + 1
        while other.bounds[last] - other.bounds[first] < targetB && last < other.sentenceCount { last += 1 }
        var a = a
        var b = PairSegment(start: other.bounds[first], end: other.bounds[last])
        counts.randomNextTokens += b.count
        if forced { counts.forcedRandomNext += 1 }
        truncatePair(&a, &b, random: &random)
        other.ids.withUnsafeBufferPointer { otherIDs in
            other.flags.withUnsafeBufferPointer { otherFlags in
                batch.appendPair(
                    a: UnsafeBufferPointer(rebasing: ids[a.start..<a.end]),
                    aFlags: UnsafeBufferPointer(rebasing: flags[a.start..<a.end]),
                    b: UnsafeBufferPointer(rebasing: otherIDs[b.start..<b.end]),
                    bFlags: UnsafeBufferPointer(rebasing: otherFlags[b.start..<b.end]),
                    label: 1, clsID: settings.clsID, sepID: settings.sepID)
            }
        }
        try completePair(a: a, b: b, label: 1, emit: emit)
    }

    /// Appends a pair whose segments both come from the current document.
    private mutating func appendPair<E: Error>(
        a: PairSegment,
        b: PairSegment,
        label: Int32,
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        batch.appendPair(
            a: UnsafeBufferPointer(rebasing: ids[a.start..<a.end]),
            aFlags: UnsafeBufferPointer(rebasing: flags[a.start..<a.end]),
            b: UnsafeBufferPointer(rebasing: ids[b.start..<b.end]),
            bFlags: UnsafeBufferPointer(rebasing: flags[b.start..<b.end]),
            label: label, clsID: settings.clsID, sepID: settings.sepID)
        try completePair(a: a, b: b, label: label, emit: emit)
    }

    /// Counts a pair just appended and emits the batch when it is full.
    private mutating func completePair<E: Error>(
        a: PairSegment, b: PairSegment, label: Int32, emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        counts.tokensPacked += a.count + b.count
        counts.positiveLabels += Int(label)
        try completeRow(length: a.count + b.count + 3, specials: 3, emit: emit)
    }

    /// BERT's `truncate_seq_pair`: trims the longer segment (B on a tie) one token at a time, from the front with
    /// probability 0.5, else from the back, until the pair fits `L − 3`.
    private mutating func truncatePair(_ a: inout PairSegment, _ b: inout PairSegment, random: inout CounterRandom) {
        let maxTokens = settings.sequenceLength - 3
        while a.count + b.count > maxTokens {
            let fromFront = random.uniform() < 0.5
            if a.count > b.count {
                if fromFront { a.start += 1 } else { a.end -= 1 }
            } else {
                if fromFront { b.start += 1 } else { b.end -= 1 }
            }
            counts.tokensDropped += 1
        }
    }

    /// SOP: where to split a one-sentence chunk of two or more tokens: a random word start after its first token,
    /// or a random token boundary when the sentence is a single word.
    private func splitPoint(of segment: PairSegment, flags: UnsafeBufferPointer<UInt8>, random: inout CounterRandom)
        -> Int
    {
        let wordStart = TokenFlags.wordStart.rawValue
        var starts = 0
        for position in (segment.start + 1)..<segment.end where flags[position] & wordStart != 0 { starts += 1 }
        guard starts > 0 else { return segment.start + 1 + random.below(segment.count - 1) }
        var remaining = random.below(starts)
        for position in (segment.start + 1)..<segment.end where flags[position] & wordStart != 0 {
            if remaining == 0 { return position }
            remaining -= 1
        }
        return segment.start + 1  // unreachable: `remaining` < `starts`
    }
}
