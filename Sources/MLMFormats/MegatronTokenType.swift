/// The token dtype of a Megatron-LM indexed dataset, with its code in the `.idx` header
/// (`megatron/core/datasets/indexed_dataset.py`, `DType`).
public enum MegatronTokenType: UInt8, Sendable {
    /// `numpy.uint16`, code 8.
    case uint16 = 8
    /// `numpy.int32`, code 4.
    case int32 = 4

    /// `DType.optimal_dtype(vocab_size)`, as `preprocess_data.py` chooses: uint16 below 65,500 tokens, else int32.
    /// - Parameter vocabularySize: The tokenizer's vocabulary size.
    /// - Returns: The dtype.
    public static func optimal(vocabularySize: Int) -> MegatronTokenType {
        vocabularySize < 65500 ? .uint16 : .int32
    }

    /// Bytes per token.
    public var itemSize: Int { self == .uint16 ? 2 : 4 }
}
