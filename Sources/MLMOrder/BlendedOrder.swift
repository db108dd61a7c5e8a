/// The order of one epoch of a blend: position → (source, sequence within the source).
///
/// The ``BlendSchedule`` picks the source of each position and counts how many positions of that source
/// came before it in the epoch (`j`). A source with `N_s` sequences is gone through pass by pass: `j` is
/// item `j mod N_s` of pass `⌊j / N_s⌋`, and every pass has its own permutation keyed by (seed, epoch,
/// source, pass), so a small source repeated to fill its share never shows a sequence `k + 1` times before
/// all of its sequences have been shown `k` times, and each repetition comes in a fresh order. One source
/// of weight 1 is exactly the unblended order of ``SequencePermutation``. Random access in O(1); memory is
/// the schedule's period table.
public struct BlendedOrder: Sendable {
    /// Which source each position comes from.
    public let schedule: BlendSchedule
    /// Sequences per pass of each source (its packed sequences in this epoch).
    public let sourceLengths: [Int]
    /// The positions of the epoch.
    public let length: Int
    /// The run's seed.
    public let seed: UInt64
    /// The epoch's number.
    public let epoch: UInt64
    /// Shuffled passes, or corpus order in every pass.
    public let shuffle: ShuffleMode

    /// Where a position's sequence comes from.
    public struct Origin: Hashable, Sendable {
        /// The source's index.
        public let source: Int
        /// The sequence's index within the source's epoch.
        public let sequence: Int
        /// The pass over the source the position belongs to (0 for the first).
        public let pass: Int

        /// Creates an origin.
        public init(source: Int, sequence: Int, pass: Int) {
            self.source = source
            self.sequence = sequence
            self.pass = pass
        }
    }

    /// Creates the order of one epoch.
    /// - Parameters:
    ///   - schedule: The blend schedule (one weight per source).
    ///   - sourceLengths: Sequences per source, each ≥ 1.
    ///   - length: Positions of the epoch; nil for the sum of the source lengths.
    ///   - seed: The run's seed.
    ///   - epoch: The epoch's number.
    ///   - shuffle: Whether each pass is permuted.
    public init(schedule: BlendSchedule, sourceLengths: [Int], length: Int? = nil, seed: UInt64, epoch: UInt64,
                shuffle: ShuffleMode) throws(OrderError) {
        guard sourceLengths.count == schedule.sources else {
            throw OrderError(.badWeights, "\(schedule.sources) weight(s) for \(sourceLengths.count) source(s)")
        }
        if let empty = sourceLengths.firstIndex(where: { $0 < 1 || $0 > SequencePermutation.maximumCount }) {
            throw OrderError(.badSetting, "source \(empty + 1) has \(sourceLengths[empty]) sequences: a blended "
                             + "source needs at least one")
        }
        self.schedule = schedule
        self.sourceLengths = sourceLengths
        self.length = length ?? sourceLengths.reduce(0, +)
        self.seed = seed
        self.epoch = epoch
        self.shuffle = shuffle
    }

    /// The permutation of one pass over one source.
    public func permutation(source: Int, pass: Int) -> SequencePermutation {
        SequencePermutation(count: sourceLengths[source],
                            key: OrderKey.make(seed: seed, epoch: epoch, source: source, pass: pass), shuffle: shuffle)
    }

    /// The origins of a run of positions (a batch), building each (source, pass) permutation once.
    public func origins(_ positions: Range<Int>) -> [Origin] {
        var cached: [(pass: Int, permutation: SequencePermutation)?] = Array(repeating: nil, count: schedule.sources)
        return positions.map { position in
            precondition(position >= 0 && position < length, "position \(position) outside 0..<\(length)")
            let (source, index) = schedule.source(at: position)
            let (pass, item) = index.quotientAndRemainder(dividingBy: sourceLengths[source])
            if cached[source]?.pass != pass { cached[source] = (pass, permutation(source: source, pass: pass)) }
            return Origin(source: source, sequence: cached[source]!.permutation[item], pass: pass)
        }
    }

    /// The origin of the sequence at `position` (`0..<length`).
    public subscript(position: Int) -> Origin {
        precondition(position >= 0 && position < length, "position \(position) outside 0..<\(length)")
        let (source, index) = schedule.source(at: position)
        let (pass, item) = index.quotientAndRemainder(dividingBy: sourceLengths[source])
        return Origin(source: source, sequence: permutation(source: source, pass: pass)[item], pass: pass)
    }
}
