import MLMCore

/// Masks packed sequences one at a time: picks units, corrupts their input ids and writes labels.
///
/// A masker keeps scratch buffers and is owned by one worker thread (it is not `Sendable`); make one per
/// worker from the same settings. Output depends only on (settings, vocabulary, matcher, tokens, flags,
/// sequence index, copy): the generator is ``CounterRandom`` keyed by (seed, epoch, sequence index,
/// ``randomStream``), never by thread or call order.
///
/// The contract, per sequence of n tokens (`[CLS]`/`[SEP]` included, no padding):
/// 1. **Candidates** are the positions without ``MLMCore/TokenFlags/special``; N is their number.
/// 2. **Units**: `.token` each candidate; `.word` maximal runs of candidates starting at a word-start flag
///    (the first candidate after a special token or at the start begins a unit even without the flag);
///    `.pmi` the matcher's n-grams (longest first, equal-length overlaps resolved at random, no special token
///    inside) and every other word alone; `.span` see 5.
/// 3. **Budget** (``MaskingBudget/unbiased``, the default) b = ⌊R·N + u⌋, u uniform in [0, 1), R = max(P, C),
///    then b = min(b, `maxPredictions`). So E[b] = R·N exactly (without a binding cap). ``MaskingBudget/google``:
///    b = min(`maxPredictions`, max(1, round-half-even(R·n))) with n all real tokens, and the walk of 4 skips a
///    unit that would overshoot and goes on (Google's `create_masked_lm_predictions`); no spans.
/// 4. **Selection** (token, word, pmi): the units in a random order (Fisher–Yates); a unit that fits the
///    remaining budget is taken; the first that does not fit is taken with probability remaining/length and
///    selection stops. Units are never split; E[selected tokens] = R·N. `maxPredictions` is a hard cap: that
///    last unit is refused when it would take the selection past the cap.
/// 5. **Spans**: while budget remains, draw ℓ words from the truncated geometric, then an anchor word
///    uniformly (up to 32 tries) such that the ℓ words exist, are unselected and adjacent; after 32 failed
///    tries draw a new ℓ, and give up after 64 lengths in a row found no place. Each span then follows the fit
///    rule of 4. Spans never overlap (they may touch). The lengths of all placed spans follow the distribution;
///    the fit rule refuses a long last span more often than a short one, so *selected* spans are a little
///    shorter on average (3.71 against 3.80 words at rate 0.15, L = 512).
/// 6. **Replacement** per unit (or per token with `replacePer: .token`): r uniform; r < mask → `[MASK]`;
///    r < mask + random → a random id drawn per token; else unchanged (still predicted).
/// 7. **Rates**: C = P: every selected token is predicted and replaced per 6. C > P: every selected token is
///    replaced per 6 and predicted with probability P/C, so E[predicted] = P·N. P > C: ``copies`` k = ⌈P/C⌉;
///    each selected unit gets a part j uniform in 0..<k from the same draws in every copy; copy j replaces
///    and predicts only the units of part j, the rest stays unchanged and unlabelled; the k copies' labels are
///    disjoint and together cover the selection.
/// 8. **ELECTRA** (`budget: .electra`): c = max(1, min(`maxPredictions`, round-half-even(n·P))) with n all
///    real tokens (ELECTRA's `input_mask` sum, specials included); c positions are drawn uniformly with
///    replacement among the candidates, each with its own replacement draw per 6; repeats collapse into one
///    prediction, which is `[MASK]` if any of its samples chose `[MASK]` (as ELECTRA's `scatter_update`), else
///    its first sample's choice. No candidates, no draws. (``MaskingBudget/electra``.)
///
/// Outputs: `inputIDs` = the corrupted ids, `labels` = the original id at predicted positions and −100
/// elsewhere; every element is written. Special tokens are never changed or labelled.
///
/// ```swift
/// let masker = try Masker(settings: settings, vocabulary: MaskingVocabulary(maskID: 103, randomIDs: ids))
/// for copy in 0..<masker.copies {
///     let stats = masker.mask(tokens: t, flags: f, sequenceIndex: i, copy: copy, inputIDs: out, labels: lab)
/// }
/// ```
/// Complexity: O(n) per sequence; span selection O(n) expected.
public final class Masker {
    /// The settings (validated).
    public let settings: MaskingSettings
    /// How many copies of each sequence to emit (``MaskingSettings/copies``).
    public let copies: Int
    /// The `stream` part of the generator key for masking.
    public static let randomStream: UInt64 = 0x6D61_736B  // "mask"

    private let plan: ReplacementPlan
    private let matcher: (any UnitMatcher)?
    private let spanLengths: SpanLengthTable
    private let scratch = MaskerScratch()

    /// Whether ``unitRecords`` are kept (tests, `inspect`).
    package var recordsUnits = false
    /// The units considered by the last call, in the order they were considered (when ``recordsUnits``).
    package var unitRecords: [UnitRecord] { scratch.records }

    /// Creates a masker.
    /// - Parameters:
    ///   - settings: The masking settings.
    ///   - vocabulary: The `[MASK]` id and the sources of random ids.
    ///   - unitMatcher: The n-gram matcher, required by the `.pmi` strategy.
    /// - Throws: ``MaskingError`` when the settings are invalid, when random replacement is on but there is no
    ///   id to draw (or no unigram counts for `--random-from unigram`), or when `.pmi` has no matcher.
    public init(
        settings: MaskingSettings,
        vocabulary: MaskingVocabulary,
        unitMatcher: (any UnitMatcher)? = nil
    ) throws(MaskingError) {
        try settings.validate()
        if settings.replace.random > 0 {
            switch settings.randomFrom {
            case .uniform where vocabulary.randomIDs.isEmpty:
                throw MaskingError(
                    .missingVocabulary,
                    "--replace has a random share but the vocabulary lists no non-special ids"
                )
            case .unigram where vocabulary.unigram == nil:
                throw MaskingError(
                    .missingVocabulary,
                    "--random-from unigram needs unigram counts with a non-special id counted"
                )
            default: break
            }
        }
        if settings.strategy == .pmi, unitMatcher == nil {
            throw MaskingError(.missingUnitMatcher, "--strategy pmi needs a PMI table (--pmi FILE)")
        }
        guard vocabulary.maskID <= UInt32(Int32.max) else {
            throw MaskingError(.missingVocabulary, "the [MASK] id \(vocabulary.maskID) does not fit in Int32")
        }
        self.settings = settings
        self.copies = settings.copies
        self.matcher = unitMatcher
        let predictProbability =
            settings.corruptRate > settings.predictRate ? settings.predictRate / settings.corruptRate : 1
        self.plan = ReplacementPlan(
            maskBelow: settings.replace.mask,
            randomBelow: settings.replace.mask + settings.replace.random,
            perToken: settings.replacePer == .token,
            parts: settings.copies,
            predictsAll: predictProbability >= 1,
            predictProbability: predictProbability,
            maskID: Int32(bitPattern: vocabulary.maskID),
            usesUnigram: settings.randomFrom == .unigram,
            randomIDs: vocabulary.randomIDs,
            unigram: vocabulary.unigram
        )
        self.spanLengths = SpanLengthTable(
            p: settings.strategy == .span ? settings.spanP : 1,
            minimum: settings.strategy == .span ? settings.spanMin : 1,
            maximum: settings.strategy == .span ? settings.spanMax : 1
        )
    }

    /// Masks one copy of one sequence.
    /// - Parameters:
    ///   - tokens: The n real token ids (`[CLS]`/`[SEP]` included, no padding); ids must fit in Int32.
    ///   - flags: n ``MLMCore/TokenFlags`` bytes.
    ///   - sequenceIndex: The sequence's global index (keys the generator).
    ///   - copy: Which copy, in 0..<``copies``.
    ///   - inputIDs: n slots for the corrupted ids; all are written.
    ///   - labels: n slots for the labels (original id where predicted, −100 elsewhere); all are written.
    /// - Returns: The counts for this copy.
    public func mask(
        tokens: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        sequenceIndex: UInt64,
        copy: Int = 0,
        inputIDs: UnsafeMutableBufferPointer<Int32>,
        labels: UnsafeMutableBufferPointer<Int32>
    ) -> MaskingStatistics {
        let count = tokens.count
        precondition(
            flags.count == count && inputIDs.count == count && labels.count == count,
            "mask(tokens:…): tokens (\(count)), flags (\(flags.count)), inputIDs (\(inputIDs.count)) and labels (\(labels.count)) differ in length"
        )
        precondition(copy >= 0 && copy < copies, "mask(tokens:…): copy \(copy) is outside 0..<\(copies)")
        for position in 0..<count {
            inputIDs[position] = Int32(bitPattern: tokens[position])
            labels[position] = -100
        }
        scratch.reserve(tokens: count)
        if recordsUnits { scratch.records.removeAll(keepingCapacity: true) }
        var pass = MaskingPass(
            tokens: tokens,
            flags: flags,
            inputIDs: inputIDs,
            labels: labels,
            plan: plan,
            copy: copy,
            recording: recordsUnits,
            random: CounterRandom(
                seed: settings.seed,
                epoch: settings.epoch,
                index: sequenceIndex,
                stream: Self.randomStream
            ),
            scratch: scratch
        )
        let rate = settings.selectionRate
        let candidates: Int
        switch settings.strategy {
        case .token: candidates = pass.buildTokenUnits()
        case .word: candidates = pass.buildWordUnits()
        case .pmi:
            candidates = pass.buildWords()
            if let matcher { pass.buildPMIUnits(matcher: matcher) }
        case .span: candidates = pass.buildWords()
        }
        select(&pass, candidates: candidates, realTokens: count, rate: rate)
        pass.statistics.candidates = candidates
        return pass.statistics
    }

    /// Selects the units of a pass under the budget rule (contract points 3–5 and 8).
    private func select(_ pass: inout MaskingPass, candidates: Int, realTokens: Int, rate: Double) {
        let cap = settings.maxPredictions
        switch settings.budget {
        case .electra:
            let draws = candidates > 0 ? Self.electraDraws(realTokens: realTokens, rate: rate, cap: cap) : 0
            pass.selectWithReplacement(draws: draws)
        case .google:
            pass.selectGoogle(budget: MaskingBudget.googleCount(realTokens: realTokens, rate: rate, cap: cap))
        case .unbiased:
            let budget = pass.budget(candidates: candidates, rate: rate, cap: cap)
            if settings.strategy == .span {
                pass.selectSpans(lengths: spanLengths, budget: budget, limit: cap ?? Int.max)
            } else {
                pass.selectShuffled(budget: budget, limit: cap ?? Int.max)
            }
        }
    }

    /// ELECTRA's number of draws: max(1, min(cap, round-half-even(realTokens · rate))), as
    /// `pretrain_helpers.mask` computes `num_to_predict` (TensorFlow's `tf.round` rounds half to even).
    /// - Parameters:
    ///   - realTokens: All real tokens of the sequence, special ones included.
    ///   - rate: The masking rate.
    ///   - cap: `max_predictions_per_seq`, if any.
    /// - Returns: How many positions to draw.
    public static func electraDraws(realTokens: Int, rate: Double, cap: Int?) -> Int {
        let rounded = Int((Double(realTokens) * rate).rounded(.toNearestOrEven))
        return max(1, min(cap ?? Int.max, rounded))
    }

    /// The units of one sequence as token ranges, in sequence order, before selection (tests, `inspect`).
    ///
    /// For `.pmi` the overlaps are resolved with the same draws ``mask(tokens:flags:sequenceIndex:copy:inputIDs:labels:)``
    /// uses for this sequence index; `.span` gives the words.
    /// - Parameters:
    ///   - tokens: The token ids.
    ///   - flags: The flag bytes.
    ///   - sequenceIndex: The sequence's global index.
    /// - Returns: The units.
    package func units(tokens: [UInt32], flags: [UInt8], sequenceIndex: UInt64) -> [Range<Int>] {
        var inputs = [Int32](repeating: 0, count: tokens.count)
        var labels = [Int32](repeating: 0, count: tokens.count)
        return tokens.withUnsafeBufferPointer { tokens in
            flags.withUnsafeBufferPointer { flags in
                inputs.withUnsafeMutableBufferPointer { inputs in
                    labels.withUnsafeMutableBufferPointer { labels in
                        scratch.reserve(tokens: tokens.count)
                        var pass = MaskingPass(
                            tokens: tokens,
                            flags: flags,
                            inputIDs: inputs,
                            labels: labels,
                            plan: plan,
                            copy: 0,
                            recording: false,
                            random: CounterRandom(
                                seed: settings.seed,
                                epoch: settings.epoch,
                                index: sequenceIndex,
                                stream: Self.randomStream
                            ),
                            scratch: scratch
                        )
                        switch settings.strategy {
                        case .token: _ = pass.buildTokenUnits()
                        case .word: _ = pass.buildWordUnits()
                        case .span:
                            _ = pass.buildWords()
                            return (0..<pass.wordCount).map { Int(pass.wordStarts[$0])..<Int(pass.wordEnds[$0]) }
                        case .pmi:
                            _ = pass.buildWords()
                            if let matcher { pass.buildPMIUnits(matcher: matcher) }
                        }
                        return (0..<pass.unitCount).map { Int(pass.units[$0].start)..<Int(pass.units[$0].end) }
                    }
                }
            }
        }
    }
}
