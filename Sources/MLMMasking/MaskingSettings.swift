/// Every setting that decides which tokens of a packed sequence are masked, and how.
///
/// The settings are a plain value: build them once from the command line (or a ``MaskingPreset``), call
/// ``validate()``, record them in the manifest, and hand them to one ``Masker`` per worker thread.
///
/// Rates: ``predictRate`` P is the share of candidates that get a label, ``corruptRate`` C the share whose
/// input is replaced by the mask/random/keep rule (Wettig et al. 2022 §5). Both default to the one `--rate`.
/// With C > P the masker selects at rate C and labels each selected token with probability P/C; with P > C it
/// selects at rate P and spreads the selected units over ``copies`` = ⌈P/C⌉ copies of the sequence (see
/// ``Masker``).
///
/// ```swift
/// var settings = MaskingSettings(strategy: .word, rate: 0.4, seed: 42)
/// settings.replace = .maskOnly
/// try settings.validate()
/// ```
public struct MaskingSettings: Hashable, Sendable {
    /// What a unit is.
    public var strategy: MaskingStrategy
    /// The expected share of candidate tokens that are predicted (`--predict-rate`, default `--rate`).
    public var predictRate: Double
    /// The expected share of candidate tokens that are corrupted by the replacement rule
    /// (`--corrupt-rate`, default `--rate`).
    public var corruptRate: Double
    /// Mask/random/keep probabilities (`--replace`).
    public var replace: ReplacementProbabilities
    /// One replacement draw per unit or per token (`--replace-per`).
    public var replacePer: ReplacementGranularity
    /// Where random ids come from (`--random-from`).
    public var randomFrom: RandomReplacementSource
    /// The geometric parameter of span lengths, in (0, 1] (`--span-p`, SpanBERT: 0.2).
    public var spanP: Double
    /// The shortest span, in words (`--span-min`).
    public var spanMin: Int
    /// The longest span, in words (`--span-max`, at most ``maximumSpanWords``).
    public var spanMax: Int
    /// At most this many tokens are selected (so predicted) per sequence (`--max-predictions`).
    public var maxPredictions: Int?
    /// The budget rule (`--budget`): the unbiased default, Google BERT's, or ELECTRA's draws with replacement.
    public var budget: MaskingBudget
    /// The run's seed (`--seed`).
    public var seed: UInt64
    /// The epoch (`--epoch`): each epoch gives a fresh, reproducible masking.
    public var epoch: UInt64

    /// The longest span ``validate()`` accepts, in words.
    public static let maximumSpanWords = 1024

    /// Creates settings; everything not given takes BERT's value.
    /// - Parameters:
    ///   - strategy: What a unit is.
    ///   - rate: The masking rate, used for both rates unless they are given.
    ///   - predictRate: The prediction rate, if it differs from `rate`.
    ///   - corruptRate: The corruption rate, if it differs from `rate`.
    ///   - replace: Mask/random/keep probabilities.
    ///   - replacePer: One replacement draw per unit or per token.
    ///   - randomFrom: Where random ids come from.
    ///   - spanP: The geometric parameter of span lengths.
    ///   - spanMin: The shortest span, in words.
    ///   - spanMax: The longest span, in words.
    ///   - maxPredictions: A cap on selected tokens per sequence.
    ///   - budget: The budget rule.
    ///   - seed: The run's seed.
    ///   - epoch: The epoch.
    public init(
        strategy: MaskingStrategy = .token,
        rate: Double = 0.15,
        predictRate: Double? = nil,
        corruptRate: Double? = nil,
        replace: ReplacementProbabilities = .bert,
        replacePer: ReplacementGranularity = .unit,
        randomFrom: RandomReplacementSource = .uniform,
        spanP: Double = 0.2,
        spanMin: Int = 1,
        spanMax: Int = 10,
        maxPredictions: Int? = nil,
        budget: MaskingBudget = .unbiased,
        seed: UInt64 = 0,
        epoch: UInt64 = 0
    ) {
        self.strategy = strategy
        self.predictRate = predictRate ?? rate
        self.corruptRate = corruptRate ?? rate
        self.replace = replace
        self.replacePer = replacePer
        self.randomFrom = randomFrom
        self.spanP = spanP
        self.spanMin = spanMin
        self.spanMax = spanMax
        self.maxPredictions = maxPredictions
        self.budget = budget
        self.seed = seed
        self.epoch = epoch
    }

    /// How many copies of each sequence the masker emits: ⌈P/C⌉ when the prediction rate P exceeds the
    /// corruption rate C, else 1. (A relative slack of 1e-9 keeps 0.3/0.1 at 3.)
    public var copies: Int {
        guard predictRate > corruptRate, corruptRate > 0 else { return 1 }
        let ratio = (predictRate / corruptRate * (1 - 1e-9)).rounded(.up)
        // A tiny corruption rate (1e-300) gives a ratio past Int.max: saturate, so that the memory check refuses it.
        return ratio < 1e15 ? max(2, Int(ratio)) : 1_000_000_000_000_000
    }

    /// ELECTRA's rule: a fixed number of positions drawn uniformly *with* replacement among the candidates;
    /// duplicates collapse, so fewer tokens are predicted (``MaskingBudget/electra``; token strategy only).
    public var withReplacement: Bool {
        get { budget == .electra }
        set { budget = newValue ? .electra : (budget == .electra ? .unbiased : budget) }
    }

    /// The rate units are selected at: the larger of the two rates.
    public var selectionRate: Double { max(predictRate, corruptRate) }
}
