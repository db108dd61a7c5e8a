/// The sentence-pair objective of ``PackingMode/pair`` packing (`--pair-task`), and the meaning of its label.
///
/// Both tasks label a pair with 0 or 1, stored in ``SequenceBatch/pairLabels``:
///
/// - ``nsp``: `next_sentence_label`, Google BERT's convention: **1 = B is a random next segment** (from another
///   document), 0 = B is the actual continuation of A.
/// - ``sop``: `sentence_order_label`, ALBERT's convention: **1 = swapped** (B is the text that comes *before* A),
///   0 = A and B are in document order. A and B are always consecutive text of the same document.
///
/// Hugging Face's `BertForPreTraining` (`next_sentence_label`: 0 = continuation, 1 = random) and
/// `AlbertForPreTraining` (`sentence_order_label`: 0 = original order, 1 = switched) read these labels as they are.
public enum PairTask: String, Hashable, Sendable, CaseIterable {
    /// Next-sentence prediction (BERT): half of the B segments come from another document.
    case nsp
    /// Sentence-order prediction (ALBERT): half of the pairs are swapped.
    case sop

    /// The tensor name of the label in a masked batch (docs/design.md §3.2).
    public var labelName: String {
        switch self {
        case .nsp: "next_sentence_label"
        case .sop: "sentence_order_label"
        }
    }
}
