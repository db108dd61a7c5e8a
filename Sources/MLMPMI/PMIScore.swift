/// How an n-gram is scored (Levine et al. 2021, and the AI21 README for the frequency-weighted form).
///
/// With `ll(x) = log count(x) − log T_|x|` (T_n the number of n-gram positions of length n) and `maxseg(g)` the
/// largest `Σ ll(s)` over the splits of `g` into at least two contiguous parts:
/// - ``pmi``: `ll(g) − maxseg(g)`, the paper's PMI_n;
/// - ``pmiFrequency``: `2·ll(g) − maxseg(g)`, which multiplies in the n-gram's frequency (AI21's released lists).
public enum PMIScore: String, Sendable, CaseIterable {
    /// The paper's PMI_n.
    case pmi
    /// PMI_n weighted by the n-gram's probability.
    case pmiFrequency = "pmi-freq"
}
