import MLMShards

/// One column of an MDS dataset: its name, its encoding string as MosaicML Streaming spells it, and its fixed
/// size in bytes (`nil` for a variable-size column, which gets a 4-byte size prefix in every sample).
///
/// mlmprep's batch tensors become fixed-size columns: a per-sequence row `[L]` is `ndarray:<dtype>:<L>` (no
/// dtype or shape bytes in the sample), a per-sequence scalar (`next_sentence_label`) is the scalar encoding
/// `<dtype>` (Streaming's `NDArray` refuses 0-d arrays and points to the scalar encodings).
///
/// ```swift
/// try MDSColumn.ndarray(name: "input_ids", dtype: .int32, shape: [128])   // ndarray:int32:128, 512 bytes
/// try MDSColumn.scalar(name: "next_sentence_label", dtype: .int32)          // int32, 4 bytes
/// ```
public struct MDSColumn: Sendable, Hashable {
    /// The column name (a key of the samples Streaming yields).
    public var name: String
    /// The encoding, e.g. `ndarray:int32:128`.
    public var encoding: String
    /// The encoded size of every value, or `nil` when values vary in size.
    public var size: Int?

    /// Creates a column from its parts, as `MDSWriter(columns=…)` would compute them.
    /// - Parameters:
    ///   - name: The name.
    ///   - encoding: The encoding string.
    ///   - size: The fixed size, or `nil`.
    public init(name: String, encoding: String, size: Int?) {
        self.name = name
        self.encoding = encoding
        self.size = size
    }

    /// A fixed-dtype, fixed-shape array column (`ndarray:<dtype>:<d0,d1,…>`).
    /// - Parameters:
    ///   - name: The name.
    ///   - dtype: The element type (one NumPy knows by the same name).
    ///   - shape: The shape of one value; every dimension at least 1.
    /// - Throws: ``MLMShards/ShardError`` (`invalidTensor`) for a dtype MDS cannot encode or an empty shape.
    public static func ndarray(name: String, dtype: TensorDType, shape: [Int]) throws(ShardError) -> MDSColumn {
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
            throw ShardError(
                .invalidTensor, "column \(name): MDS ndarray columns need dimensions of at least 1, got \(shape)")
        }
        let numpy = try numpyName(dtype, column: name)
        let dims = shape.map(String.init).joined(separator: ",")
        return MDSColumn(name: name, encoding: "ndarray:\(numpy):\(dims)", size: shape.reduce(1, *) * dtype.itemSize)
    }

    /// A scalar column (`int32`, `uint8`, …).
    /// - Parameters:
    ///   - name: The name.
    ///   - dtype: The element type.
    /// - Throws: ``MLMShards/ShardError`` (`invalidTensor`) for a dtype MDS cannot encode.
    public static func scalar(name: String, dtype: TensorDType) throws(ShardError) -> MDSColumn {
        MDSColumn(name: name, encoding: try numpyName(dtype, column: name), size: dtype.itemSize)
    }

    /// NumPy's name of a dtype, for the types Streaming's `NDArray` encoding supports.
    static func numpyName(_ dtype: TensorDType, column: String) throws(ShardError) -> String {
        switch dtype {
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .uint32: "uint32"
        case .int32: "int32"
        case .uint64: "uint64"
        case .int64: "int64"
        case .float16: "float16"
        case .float32: "float32"
        case .float64: "float64"
        default:
            throw ShardError(
                .invalidTensor,
                "column \(column): MDS has no encoding for \(dtype.safetensorsName) (it knows u/int8-64 and float16-64)")
        }
    }
}
