/// How many tokens a sequence gets selected, and how units are walked to reach that number (`--budget`).
///
/// | rule | count | walk |
/// |---|---|---|
/// | ``unbiased`` | ⌊R·N + u⌋, N candidates, u uniform | shuffled units; the first overshooting unit taken with probability remaining/length, then stop |
/// | ``google`` | min(cap, max(1, round-half-even(R·n))), n all real tokens (`[CLS]`, `[SEP]` included) | shuffled units; an overshooting unit is skipped and the walk goes on (Google's `create_masked_lm_predictions`) |
/// | ``electra`` | max(1, min(cap, round-half-even(n·R))) | that many positions drawn uniformly with replacement (ELECTRA's `pretrain_helpers.mask`) |
///
/// The default, ``unbiased``, makes the expected realised rate R for every strategy and length. ``google`` and
/// ``electra`` reproduce those recipes, biases included: Google's rule predicts 15.0% of ≤ 40-token sequences
/// including their special tokens, never zero, and a full 128-token sequence gets exactly 19.
public enum MaskingBudget: String, CaseIterable, Hashable, Sendable {
    /// Probabilistic rounding of rate × candidates (the default).
    case unbiased
    /// Google BERT's `num_to_predict` and candidate walk (`--preset bert`, `bert-wwm`).
    case google
    /// ELECTRA's `num_to_predict`, positions drawn with replacement (`--preset electra`; token units only).
    case electra

    /// Google's `num_to_predict`: min(cap, max(1, round-half-even(realTokens · rate))), as Python's `round`.
    /// - Parameters:
    ///   - realTokens: All real tokens of the sequence, `[CLS]` and every `[SEP]` included.
    ///   - rate: The masking rate.
    ///   - cap: `max_predictions_per_seq`, if any.
    /// - Returns: The number of tokens to select.
    public static func googleCount(realTokens: Int, rate: Double, cap: Int?) -> Int {
        let rounded = Int((Double(realTokens) * rate).rounded(.toNearestOrEven))
        return min(cap ?? Int.max, max(1, rounded))
    }
}
