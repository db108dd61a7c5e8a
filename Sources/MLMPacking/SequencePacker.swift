import MLMCore

/// Packs a stream of tokenized documents into `[CLS] … [SEP]` sequences, delivered in batches of `B`.
///
/// Documents arrive in corpus order through ``append(ids:flags:emit:)``; each
/// token carries the store's flag bits (bit 0 starts a word, bit 1 starts a sentence). Whenever `B` sequences are
/// complete the packer calls `emit` with the ``SequenceBatch``; ``finish(emit:)`` closes the last sequence and
/// emits the last, possibly smaller, batch (a caller with `--drop-last` ignores it).
///
/// The output depends only on the documents, their order and the ``PackingSettings``: every random draw of
/// ``PackingMode/pair`` packing comes from a ``CounterRandom`` keyed by `(seed, epoch, document index,`
/// ``randomStream``), and batch boundaries never change a sequence. Memory is one batch, one open sequence and, for
/// NSP, the pool of recent documents; nothing is allocated per token.
///
/// ```swift
/// var packer = try SequencePacker(settings: settings)
/// for document in documents {
///     try packer.append(ids: document.ids[...], flags: document.flags[...]) { batch in try writer.write(batch) }
/// }
/// try packer.finish { batch in try writer.write(batch) }
/// print(packer.counts)
/// ```
///
/// Complexity: O(tokens) per document, plus one random draw per token removed by pair truncation. After `emit`
/// throws, the packer is in an unspecified state and should be discarded.
public struct SequencePacker: Sendable {
    /// The `stream` part of every ``CounterRandom`` key the packer uses, so that its draws never coincide with the
    /// masker's for the same index.
    public static let randomStream: UInt64 = 0x7061_636B_696E_6701  // "packing" + 1

    /// The settings, validated.
    public let settings: PackingSettings
    /// The token budget so far.
    public internal(set) var counts = PackingCounts()

    /// The batch being filled.
    var batch: SequenceBatch
    /// Full and doc modes: the body of the open sequence (store bits, and bit 6 on document separators).
    var bodyIDs: [UInt32] = []
    /// Flags of ``bodyIDs``.
    var bodyFlags: [UInt8] = []
    /// Scratch: sentence boundaries of the current document (starts, then its token count).
    var bounds: [Int] = []
    /// Scratch: ids of a 16-bit store widened to 32 bits.
    var widened: [UInt32] = []
    /// NSP: recent documents for random next segments.
    var pool: DocumentPool
    /// The index the next document gets.
    var nextDocumentIndex = 0
    /// ELECTRA mode: the next target length and segment B's scratch.
    var electra: ElectraBuilderState

    /// Creates a packer.
    /// - Parameter settings: The packing settings.
    /// - Throws: ``PackingError`` when a setting cannot work (see ``PackingSettings/validate()``).
    public init(settings: PackingSettings) throws(PackingError) {
        try settings.validate()
        self.settings = settings
        let pairTask = settings.mode == .pair ? settings.pairTask : nil
        batch = SequenceBatch(
            sequenceLength: settings.sequenceLength, capacity: settings.batchSize, padID: settings.padID,
            pairTask: pairTask, hasSegments: settings.mode == .electra)
        pool = DocumentPool(capacity: settings.randomDocumentPool)
        electra = ElectraBuilderState(sequenceLength: settings.sequenceLength)
        bodyIDs.reserveCapacity(settings.sequenceLength)
        bodyFlags.reserveCapacity(settings.sequenceLength)
    }

    /// The number of documents received so far; the next document gets this index.
    public var documentCount: Int { nextDocumentIndex }

    /// The number of complete sequences waiting in the batch being filled.
    public var pendingSequences: Int { batch.count }

    /// Adds the next document of the corpus.
    ///
    /// - Parameters:
    ///   - ids: The document's token ids.
    ///   - flags: One flag byte per token: bit 0 starts a word, bit 1 starts a sentence. The first token always
    ///     starts a sentence, whatever its bit.
    ///   - emit: Called with each batch that becomes full.
    /// - Throws: Whatever `emit` throws.
    public mutating func append<E: Error>(
        ids: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        precondition(
            ids.count == flags.count, "a document has \(ids.count) ids but \(flags.count) flags; they must match")
        let index = nextDocumentIndex
        nextDocumentIndex += 1
        counts.documents += 1
        guard !ids.isEmpty else {
            counts.emptyDocuments += 1
            return
        }
        findSentences(flags)
        counts.sentences += bounds.count - 1
        counts.tokens += ids.count
        switch settings.mode {
        case .full, .doc: try packSentences(ids: ids, flags: flags, emit: emit)
        case .single: try packWindows(ids: ids, flags: flags, emit: emit)
        case .pair: try packPairs(index: index, ids: ids, flags: flags, emit: emit)
        case .electra: try packElectra(index: index, ids: ids, flags: flags, emit: emit)
        }
    }

    /// Adds the next document of a store with 16-bit ids.
    ///
    /// - Parameters:
    ///   - ids: The document's token ids.
    ///   - flags: One flag byte per token.
    ///   - emit: Called with each batch that becomes full.
    /// - Throws: Whatever `emit` throws.
    public mutating func append<E: Error>(
        ids: UnsafeBufferPointer<UInt16>,
        flags: UnsafeBufferPointer<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        var scratch: [UInt32] = []
        swap(&scratch, &widened)
        defer { swap(&scratch, &widened) }
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(ids.count)
        for id in ids { scratch.append(UInt32(id)) }
        try scratch.withUnsafeBufferPointer { (wide) throws(E) in
            try append(ids: wide, flags: flags, emit: emit)
        }
    }

    /// Adds the next document, given as array slices.
    ///
    /// - Parameters:
    ///   - ids: The document's token ids.
    ///   - flags: One flag byte per token.
    ///   - emit: Called with each batch that becomes full.
    /// - Throws: Whatever `emit` throws.
    public mutating func append<E: Error>(
        ids: ArraySlice<UInt32>,
        flags: ArraySlice<UInt8>,
        emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        try ids.withUnsafeBufferPointer { (idBuffer) throws(E) in
            try flags.withUnsafeBufferPointer { (flagBuffer) throws(E) in
                try append(ids: idBuffer, flags: flagBuffer, emit: emit)
            }
        }
    }

    /// Closes the open sequence (full mode) and emits the last batch if it holds any sequence.
    ///
    /// The packer can take more documents afterwards; they start a new sequence.
    /// - Parameter emit: Called with the last batch, which may hold fewer than `B` sequences.
    /// - Throws: Whatever `emit` throws.
    public mutating func finish<E: Error>(emit: (SequenceBatch) throws(E) -> Void) throws(E) {
        try closeBody(emit: emit)
        if batch.count > 0 {
            try emit(batch)
            batch.reset(firstSequenceIndex: counts.sequences)
        }
    }

    /// Fills ``bounds`` with the sentence starts of a document and its token count.
    private mutating func findSentences(_ flags: UnsafeBufferPointer<UInt8>) {
        bounds.removeAll(keepingCapacity: true)
        bounds.append(0)
        let sentenceStart = TokenFlags.sentenceStart.rawValue
        var position = 1
        while position < flags.count {
            if flags[position] & sentenceStart != 0 { bounds.append(position) }
            position += 1
        }
        bounds.append(flags.count)
    }

    /// Counts a row just appended to the batch and emits the batch when it is full.
    /// - Parameters:
    ///   - length: The row's real length.
    ///   - specials: The special tokens in it.
    ///   - emit: The consumer.
    mutating func completeRow<E: Error>(
        length: Int, specials: Int, emit: (SequenceBatch) throws(E) -> Void
    ) throws(E) {
        counts.sequences += 1
        counts.specialTokens += specials
        counts.paddingTokens += settings.sequenceLength - length
        if batch.isFull {
            try emit(batch)
            batch.reset(firstSequenceIndex: counts.sequences)
        }
    }
}
