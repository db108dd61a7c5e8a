import MLMOrder

/// The training order of a mask run (`--shuffle`, `--rank`, `--start-step`, `--tail`; DESIGN.md §4).
///
/// Without it (`MaskJobSettings.order == nil`) a run streams batches in corpus order, the last one possibly
/// smaller. With it, each epoch is a permutation of its packed sequences, a step is `R × B` sequences, this
/// rank writes rows `[r·B, (r+1)·B)` of each step from `startStep` on, and every record carries its place.
public struct MaskOrderSettings: Sendable, Hashable {
    /// Shuffled epochs or corpus order.
    public var shuffle: ShuffleMode = .global
    /// This process's rank.
    public var rank: WorldRank = .single
    /// The first global step to write.
    public var startStep = 0
    /// What happens to each epoch's last partial step.
    public var tail: TailPolicy = .pad
    /// Where the per-epoch spill of packed sequences goes (nil: `$TMPDIR`, else `/tmp`).
    public var spillDirectory: String?

    /// Creates order settings.
    public init(shuffle: ShuffleMode = .global, rank: WorldRank = .single, startStep: Int = 0,
                tail: TailPolicy = .pad, spillDirectory: String? = nil) {
        self.shuffle = shuffle
        self.rank = rank
        self.startStep = startStep
        self.tail = tail
        self.spillDirectory = spillDirectory
    }
}

/// What the order of a run came to: the figures the stderr line and the manifest give.
public struct MaskOrderSummary: Sendable, Hashable {
    /// The settings.
    public var settings: MaskOrderSettings
    /// Packed sequences of each epoch of the run.
    public var sequencesPerEpoch: [Int] = []
    /// Global steps of each epoch.
    public var stepsPerEpoch: [Int] = []
    /// Global steps of the run (every rank writes one batch per step).
    public var stepsPerRun = 0
    /// Sequences per step, `R × B`.
    public var globalBatch = 0
    /// Sequences no step holds, over the run (`drop`).
    public var droppedSequences = 0
    /// Loss-free rows over the run, all ranks (`pad`).
    public var paddingRows = 0
    /// Bytes per packed sequence of the epoch spill (in memory up to ``spillMemoryLimit``, then on disk).
    public var spillBytesPerSequence = 0
    /// Bytes of the spill kept in memory at most.
    public var spillMemoryLimit = 0
    /// Loss-free rows this rank wrote.
    public var paddingRowsWritten = 0

    /// The line printed before the first batch.
    public var line: String {
        let epochs = Set(sequencesPerEpoch).count == 1 ? "\(sequencesPerEpoch.first ?? 0)" : "\(sequencesPerEpoch)"
        let steps = Set(stepsPerEpoch).count == 1 ? "\(stepsPerEpoch.first ?? 0)" : "\(stepsPerEpoch)"
        let tail = settings.tail == .drop ? "drop (\(droppedSequences) sequences dropped)"
            : "pad (\(paddingRows) loss-free rows)"
        return "order: \(settings.shuffle.rawValue), rank \(settings.rank), \(epochs) sequences/epoch, "
            + "\(globalBatch) per step, \(steps) steps/epoch, \(stepsPerRun) steps/run from step \(settings.startStep), "
            + "tail \(tail); memory: the epoch's packed rows, \(spillBytesPerSequence) B/sequence, at most "
            + "\(spillMemoryLimit >> 20) MiB in memory, the rest in an unlinked file in $TMPDIR"
    }
}
