/// Everything that decides how documents become sequences; validated once, then passed to ``SequencePacker``.
///
/// ```swift
/// var settings = PackingSettings(mode: .pair, sequenceLength: 128, clsID: 2, sepID: 3, padID: 0)
/// settings.pairTask = .sop
/// try settings.validate()
/// ```
public struct PackingSettings: Hashable, Sendable {
    /// How documents are cut and joined.
    public var mode: PackingMode
    /// `L`, the length of every sequence including `[CLS]` and `[SEP]` (`--seq-len`).
    public var sequenceLength: Int
    /// The id of `[CLS]`.
    public var clsID: UInt32
    /// The id of `[SEP]`, also used as the document separator of ``PackingMode/full``.
    public var sepID: UInt32
    /// The id written after the last token of a sequence.
    public var padID: UInt32
    /// `B`, the number of sequences per emitted batch.
    public var batchSize: Int
    /// The run's `--seed`.
    public var seed: UInt64
    /// The run's `--epoch`; a new epoch gives new (reproducible) pairs.
    public var epoch: UInt64
    /// Pair mode: the probability that a document's target length is drawn from `2…L−3` instead of `L−3`
    /// (BERT's `short_seq_prob`, 0.1).
    public var shortSequenceProbability: Double
    /// Pair mode: next-sentence or sentence-order prediction.
    public var pairTask: PairTask
    /// Pair mode with NSP: how many of the most recent documents (the current one included) a random next segment
    /// may come from. Google BERT draws from the whole corpus; a stream keeps this bounded window instead, and
    /// copies each document into it.
    public var randomDocumentPool: Int

    /// Creates settings with BERT's defaults for the pair options.
    /// - Parameters:
    ///   - mode: How documents are cut and joined.
    ///   - sequenceLength: `L`, including `[CLS]` and `[SEP]`.
    ///   - clsID: The id of `[CLS]`.
    ///   - sepID: The id of `[SEP]`.
    ///   - padID: The id of `[PAD]`.
    ///   - batchSize: Sequences per batch.
    ///   - seed: The run's seed.
    ///   - epoch: The run's epoch.
    ///   - shortSequenceProbability: BERT's `short_seq_prob`.
    ///   - pairTask: NSP or SOP.
    ///   - randomDocumentPool: Documents kept for NSP random next segments.
    public init(
        mode: PackingMode,
        sequenceLength: Int,
        clsID: UInt32,
        sepID: UInt32,
        padID: UInt32,
        batchSize: Int = 32,
        seed: UInt64 = 0,
        epoch: UInt64 = 0,
        shortSequenceProbability: Double = 0.1,
        pairTask: PairTask = .nsp,
        randomDocumentPool: Int = 1000
    ) {
        self.mode = mode
        self.sequenceLength = sequenceLength
        self.clsID = clsID
        self.sepID = sepID
        self.padID = padID
        self.batchSize = batchSize
        self.seed = seed
        self.epoch = epoch
        self.shortSequenceProbability = shortSequenceProbability
        self.pairTask = pairTask
        self.randomDocumentPool = randomDocumentPool
    }

    /// The shortest `L` the mode accepts: 3 for `[CLS] x [SEP]`, 5 for `[CLS] a [SEP] b [SEP]`.
    public var minimumSequenceLength: Int { mode == .pair || mode == .electra ? 5 : 3 }

    /// Checks every setting.
    /// - Throws: ``PackingError`` with a one-line message naming the flag and the smallest accepted value.
    public func validate() throws(PackingError) {
        if sequenceLength < minimumSequenceLength {
            let layout = mode == .pair ? "[CLS] A [SEP] B [SEP]" : "[CLS] … [SEP]"
            throw PackingError(
                .sequenceTooShort,
                "--seq-len \(sequenceLength) is too short for \(layout); "
                    + "use --seq-len \(minimumSequenceLength) or more with --pack \(mode.rawValue)"
            )
        }
        if batchSize < 1 {
            throw PackingError(.badSetting, "--batch-size \(batchSize) must be at least 1")
        }
        if !(0...1).contains(shortSequenceProbability) {
            throw PackingError(
                .badSetting, "--short-seq-prob \(shortSequenceProbability) must lie in [0, 1]")
        }
        if randomDocumentPool < 1 {
            throw PackingError(
                .badSetting, "the random-document pool (\(randomDocumentPool)) must hold at least 1 document")
        }
    }
}
