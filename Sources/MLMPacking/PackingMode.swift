/// How documents are cut and joined into `[CLS] … [SEP]` sequences (`--pack`).
///
/// | mode | recipe | crosses documents | respects sentences |
/// |---|---|---|---|
/// | ``full`` | RoBERTa FULL-SENTENCES | yes, with a `[SEP]` between documents | yes, unless longer than `L − 2` |
/// | ``doc`` | RoBERTa DOC-SENTENCES | no | yes, unless longer than `L − 2` |
/// | ``pair`` | Google BERT `create_instances_from_document` | only for an NSP random next segment | yes |
/// | ``single`` | one document, cut into windows | no | no |
/// | ``electra`` | ELECTRA `ExampleBuilder` (one or two segments) | no | yes, unless longer than `L − 2` |
public enum PackingMode: String, Hashable, Sendable, CaseIterable {
    /// Sentences back to back across documents, with an extra `[SEP]` where a document ends inside a sequence.
    case full
    /// Sentences back to back within one document; the last sequence of a document may be short.
    case doc
    /// `[CLS] A [SEP] B [SEP]` pairs for next-sentence or sentence-order prediction.
    case pair
    /// One document per sequence, split into consecutive windows of `L − 2` tokens.
    case single
    /// ELECTRA's examples: lines up to a target length, 10% one segment, else A near half the target, then B.
    case electra
}
