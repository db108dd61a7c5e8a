import MLMCore

/// The state of masking one sequence: the buffers, the generator and the counts.
///
/// A pass is built by ``Masker/mask(tokens:flags:sequenceIndex:copy:inputIDs:labels:)`` for one call and owns
/// the masker's scratch buffers for its duration. Unit construction is in `MaskingPass+Units.swift`,
/// selection in `MaskingPass+Selection.swift`.
struct MaskingPass {
    let tokens: UnsafeBufferPointer<UInt32>
    let flags: UnsafeBufferPointer<UInt8>
    let inputIDs: UnsafeMutableBufferPointer<Int32>
    let labels: UnsafeMutableBufferPointer<Int32>
    let plan: ReplacementPlan
    /// The copy being emitted (units of other parts are drawn but not applied).
    let copy: Int
    /// Whether to fill `scratch.records`.
    let recording: Bool
    var random: CounterRandom
    var statistics = MaskingStatistics()
    /// The masker's buffers (sized for this sequence by the caller).
    let scratch: MaskerScratch
    /// Units as token ranges (`unitCount` of them).
    let units: UnsafeMutablePointer<UnitRange>
    var unitCount = 0
    /// Words (`wordCount` of them).
    let wordStarts: UnsafeMutablePointer<Int32>
    let wordEnds: UnsafeMutablePointer<Int32>
    var wordCount = 0
    /// Per-word or per-position marks.
    let marks: UnsafeMutablePointer<Int32>

    /// Creates a pass over one sequence; `scratch` must hold `tokens.count` + 1 elements.
    init(
        tokens: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        inputIDs: UnsafeMutableBufferPointer<Int32>,
        labels: UnsafeMutableBufferPointer<Int32>,
        plan: ReplacementPlan,
        copy: Int,
        recording: Bool,
        random: CounterRandom,
        scratch: MaskerScratch
    ) {
        self.tokens = tokens
        self.flags = flags
        self.inputIDs = inputIDs
        self.labels = labels
        self.plan = plan
        self.copy = copy
        self.recording = recording
        self.random = random
        self.scratch = scratch
        self.units = scratch.units
        self.wordStarts = scratch.wordStarts
        self.wordEnds = scratch.wordEnds
        self.marks = scratch.marks
    }

    /// The selection budget: ⌊rate·candidates + u⌋ with u uniform in [0, 1), capped.
    ///
    /// Probabilistic rounding makes the expected budget exactly `rate · candidates`.
    @inline(__always)
    mutating func budget(candidates: Int, rate: Double, cap: Int?) -> Int {
        let u = random.uniform()
        let budget = Int((rate * Double(candidates) + u).rounded(.down))
        if let cap { return min(budget, cap) }
        return budget
    }

    /// Selects the unit `start..<end`: draws its part, its replacement and labels, and writes them when the
    /// unit belongs to this copy.
    ///
    /// Draw order (the same for every copy): part (only with several copies); one replacement value for the
    /// unit (per-unit rule); then per token: a replacement value (per-token rule), a random id (if random),
    /// a prediction coin (only when C > P).
    /// A `given` action (ELECTRA's per-sample draws) replaces the unit's and the tokens' replacement draws.
    @inline(__always)
    mutating func apply(start: Int, end: Int, spanWords: Int, given: ReplacementAction? = nil) {
        var part = 0
        if plan.parts > 1 { part = random.below(plan.parts) }
        let applies = part == copy
        var action = given ?? .keep
        let perToken = plan.perToken && given == nil
        if !plan.perToken, given == nil { action = plan.action(random.uniform()) }
        if applies { statistics.selectedUnits += 1 }
        for position in start..<end {
            if perToken { action = plan.action(random.uniform()) }
            let original = Int32(bitPattern: tokens[position])
            var replacement = original
            switch action {
            case .mask: replacement = plan.maskID
            case .random: replacement = Int32(bitPattern: plan.randomID(&random))
            case .keep: break
            }
            let predicted = plan.predictsAll || random.uniform() < plan.predictProbability
            guard applies else { continue }
            inputIDs[position] = replacement
            statistics.selectedTokens += 1
            switch action {
            case .mask: statistics.maskedWithMask += 1
            case .random: statistics.randomReplaced += 1
            case .keep: break
            }
            if predicted {
                labels[position] = original
                statistics.predicted += 1
                if action == .keep { statistics.keptButPredicted += 1 }
            } else if action != .keep {
                statistics.corruptedButNotPredicted += 1
            }
        }
        if recording {
            scratch.records.append(
                UnitRecord(
                    start: start,
                    end: end,
                    spanWords: spanWords,
                    taken: true,
                    part: part,
                    action: perToken ? nil : action
                )
            )
        }
    }

    /// Notes a unit refused by the fit rule (when recording).
    @inline(__always)
    mutating func refuse(start: Int, end: Int, spanWords: Int) {
        if recording {
            scratch.records.append(
                UnitRecord(start: start, end: end, spanWords: spanWords, taken: false, part: 0, action: nil)
            )
        }
    }
}
