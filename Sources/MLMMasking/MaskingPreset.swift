/// The published recipes of docs/design.md §2, as masking settings (`--preset NAME`; later flags override).
///
/// The masking part lives here; the packing part (``packingMode`` and ``shortSequenceProbability`` in
/// `MaskingPreset+Packing.swift`, MLMPipeline) is:
/// - `bert`, `bert-wwm`: A/B pairs with NSP, `short_seq_prob` 0.1 (Google `create_pretraining_data.py`);
/// - `roberta`: FULL-SENTENCES packing across documents, no NSP;
/// - `spanbert`: single segments of one document (`doc` packing), no NSP, `short_seq_prob` 0 (paper command);
/// - `pmi`: as `roberta` (full-sentence packing, no NSP);
/// - `efficient-mlm`: fairseq `--sample-break-mode none` (`full` packing), no NSP;
/// - `electra`: ELECTRA's packer (10% single segments, otherwise two segments split near the middle), no NSP.
///
/// ```swift
/// let settings = MaskingPreset.spanbert.settings(sequenceLength: 512, seed: 1)
/// ```
public enum MaskingPreset: String, CaseIterable, Hashable, Sendable {
    /// 0.15, tokens, 80-10-10 per token, uniform random ids, Google's budget
    /// min(⌈20·L/128⌉, max(1, round(0.15·n))) and candidate walk (``MaskingBudget/google``).
    case bert
    /// As `bert` with whole words as units (the 80-10-10 draw stays per token, as in Google's code).
    case bertWWM = "bert-wwm"
    /// 0.15, tokens, 80-10-10 per token, no prediction cap.
    case roberta
    /// 0.15, SpanBERT spans (p = 0.2, 1–10 words), 80-10-10 per span, random ids from unigram counts.
    case spanbert
    /// 0.15, PMI n-grams else words, 80-10-10 per unit (needs a PMI table).
    case pmi
    /// 0.40, tokens, always `[MASK]` (Wettig et al. 2022).
    case efficientMLM = "efficient-mlm"
    /// 0.15, ELECTRA's budget max(1, min(⌊(0.15+0.005)·L⌋, round(n·0.15))) positions drawn with replacement
    /// (``MaskingBudget/electra``), 85% `[MASK]` / 15% unchanged.
    case electra

    /// The preset's masking settings for sequences of `sequenceLength` tokens.
    /// - Parameters:
    ///   - sequenceLength: The packed sequence length L (sets the prediction cap of `bert` and `electra`).
    ///   - seed: The run's seed.
    ///   - epoch: The epoch.
    ///   - rate: A `--rate` given with the preset: both rates, and ELECTRA's prediction cap follows it.
    /// - Returns: Settings that pass ``MaskingSettings/validate()``.
    public func settings(
        sequenceLength: Int, seed: UInt64 = 0, epoch: UInt64 = 0, rate: Double? = nil
    ) -> MaskingSettings {
        var settings = MaskingSettings(seed: seed, epoch: epoch)
        if let rate {
            settings.predictRate = rate
            settings.corruptRate = rate
        }
        switch self {
        case .bert, .bertWWM:
            settings.strategy = self == .bert ? .token : .word
            settings.replacePer = .token
            settings.budget = .google
            // max_predictions_per_seq = 20 at length 128, scaled with the length.
            settings.maxPredictions = max(1, (20 * sequenceLength + 127) / 128)
        case .roberta:
            settings.replacePer = .token
        case .spanbert:
            settings.strategy = .span
            settings.spanP = 0.2
            settings.spanMin = 1
            settings.spanMax = 10
            settings.randomFrom = .unigram
        case .pmi:
            settings.strategy = .pmi
        case .efficientMLM:
            settings.predictRate = rate ?? 0.4
            settings.corruptRate = rate ?? 0.4
            settings.replace = .maskOnly
        case .electra:
            settings.budget = .electra
            settings.replace = .electra
            // ELECTRA: max_predictions_per_seq = int((mask_prob + 0.005) * max_seq_length).
            settings.maxPredictions = max(1, Int((settings.predictRate + 0.005) * Double(sequenceLength)))
        }
        return settings
    }
}
