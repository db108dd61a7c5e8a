import MLMCore

/// ELECTRA packing follows `ExampleBuilder` of ELECTRA's `build_pretraining_dataset.py`, with our generator:
///
/// 1. Sentences (lines) are added to the current example until its length reaches the target; the end of the
///    document (ELECTRA's empty line) ends a non-empty example too. The target starts at `L`.
/// 2. With probability 0.1 the example is one segment (first-segment target 100000), else the first segment's
///    target is `(target − 3) // 2`.
/// 3. Each sentence in order goes to A when A is empty, or when A plus the sentence stays under A's target, or, while
///    B is empty and A is under its target, with probability 0.5 (the draw is made only then); otherwise to B. So
///    a later short sentence can still join A after B has begun, as in ELECTRA.
/// 4. A is cut to `L − 2` tokens, B to `max(0, L − len(A) − 3)`; what is cut is dropped.
/// 5. The next target is `randint(5, L)` with probability 0.05, else `L`. It carries over to the next document.
///
/// Rows are `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`, token types 0 on `[CLS]`, A and its `[SEP]`, 1 on B and its
/// `[SEP]` (ELECTRA's `segment_ids`). Draws come from a ``CounterRandom`` keyed by (seed, epoch, document index,
/// ``electraStream``), in the order ELECTRA makes them.
extension SequencePacker {
    /// The `stream` part of the generator key for ELECTRA packing.
    public static let electraStream: UInt64 = 0x656C_6563_7472_6101  // "electra" + 1

    /// ELECTRA mode: makes the examples of one document (``bounds`` holds its sentences).
    mutating func packElectra<E: Error>(
        index: Int,
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        var random = CounterRandom(
            seed: settings.seed, epoch: settings.epoch, index: UInt64(index), stream: Self.electraStream)
        let sentenceCount = bounds.count - 1
        var first = 0
        var length = 0
        for sentence in 0..<sentenceCount {
            length += bounds[sentence + 1] - bounds[sentence]
            if length >= electra.target {
                try makeElectraExample(sentences: first...sentence, ids: ids, flags: flags, random: &random, emit: emit)
                first = sentence + 1
                length = 0
            }
        }
        if length != 0 {
            try makeElectraExample(
                sentences: first...(sentenceCount - 1), ids: ids, flags: flags, random: &random, emit: emit)
        }
    }

    /// ELECTRA's `_create_example` over the given sentences of the document.
    private mutating func makeElectraExample<E: Error>(
        sentences: ClosedRange<Int>,
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        random: inout CounterRandom,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        let single = random.uniform() < 0.1
        if single { counts.singleSegmentExamples += 1 }
        let firstTarget = single ? 100_000 : (electra.target - 3) / 2
        bodyIDs.removeAll(keepingCapacity: true)
        bodyFlags.removeAll(keepingCapacity: true)
        electra.secondIDs.removeAll(keepingCapacity: true)
        electra.secondFlags.removeAll(keepingCapacity: true)
        let keep = TokenFlags.fromStore.rawValue
        for sentence in sentences {
            let range = bounds[sentence]..<bounds[sentence + 1]
            let firstLength = bodyIDs.count
            let toFirst =
                firstLength == 0 || firstLength + range.count < firstTarget
                || (electra.secondIDs.isEmpty && firstLength < firstTarget && random.uniform() < 0.5)
            if toFirst {
                bodyIDs.append(contentsOf: UnsafeBufferPointer(rebasing: ids[range]))
                for position in range { bodyFlags.append(flags[position] & keep) }
            } else {
                electra.secondIDs.append(contentsOf: UnsafeBufferPointer(rebasing: ids[range]))
                for position in range { electra.secondFlags.append(flags[position] & keep) }
            }
        }
        let maxLength = settings.sequenceLength
        let firstKept = min(bodyIDs.count, maxLength - 2)
        let secondKept = min(electra.secondIDs.count, max(0, maxLength - firstKept - 3))
        counts.tokensDropped += bodyIDs.count - firstKept + electra.secondIDs.count - secondKept
        counts.tokensPacked += firstKept + secondKept
        bodyIDs.removeLast(bodyIDs.count - firstKept)
        bodyFlags.removeLast(bodyFlags.count - firstKept)
        electra.secondIDs.removeLast(electra.secondIDs.count - secondKept)
        electra.secondFlags.removeLast(electra.secondFlags.count - secondKept)
        if random.uniform() < 0.05 {
            electra.target = 5 + random.below(maxLength - 4)  // randint(5, max_length)
            counts.shortTargets += 1
        } else {
            electra.target = maxLength
        }
        try appendElectraRow(emit: emit)
    }

    /// Writes the assembled segments as one row and empties them.
    private mutating func appendElectraRow<E: Error>(emit: (SequenceBatch) throws(E) -> Void) throws(E) {
        let first = bodyIDs.count
        let second = electra.secondIDs.count
        bodyIDs.withUnsafeBufferPointer { aIDs in
            bodyFlags.withUnsafeBufferPointer { aFlags in
                electra.secondIDs.withUnsafeBufferPointer { bIDs in
                    electra.secondFlags.withUnsafeBufferPointer { bFlags in
                        batch.appendSegments(
                            a: aIDs, aFlags: aFlags, b: bIDs, bFlags: bFlags, clsID: settings.clsID,
                            sepID: settings.sepID)
                    }
                }
            }
        }
        bodyIDs.removeAll(keepingCapacity: true)
        bodyFlags.removeAll(keepingCapacity: true)
        let specials = second > 0 ? 3 : 2
        try completeRow(length: first + second + specials, specials: specials, emit: emit)
    }
}

extension SequenceBatch {
    /// Appends `[CLS] A [SEP]`, or `[CLS] A [SEP] B [SEP]` when B is not empty, with token types 0 then 1 and no
    /// pair label (ELECTRA's examples).
    mutating func appendSegments(
        a aIDs: UnsafeBufferPointer<UInt32>,
        aFlags: UnsafeBufferPointer<UInt8>,
        b bIDs: UnsafeBufferPointer<UInt32>,
        bFlags: UnsafeBufferPointer<UInt8>,
        clsID: UInt32,
        sepID: UInt32
    ) {
        let length = aIDs.count + 2 + (bIDs.isEmpty ? 0 : bIDs.count + 1)
        precondition(length <= sequenceLength, "segments of \(length) tokens do not fit L=\(sequenceLength)")
        let special = TokenFlags.special.rawValue
        appendSpecial(clsID, flag: special, type: 0)
        tokens.append(contentsOf: aIDs)
        flags.append(contentsOf: aFlags)
        tokenTypes.append(repeating: 0, count: aIDs.count)
        appendSpecial(sepID, flag: special, type: 0)
        if !bIDs.isEmpty {
            tokens.append(contentsOf: bIDs)
            flags.append(contentsOf: bFlags)
            tokenTypes.append(repeating: 1, count: bIDs.count)
            appendSpecial(sepID, flag: special, type: 1)
        }
        finishRow(length: length)
    }
}
