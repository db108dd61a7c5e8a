/// A named, typed, shaped block of little-endian bytes: one entry of a safetensors record.
///
/// Data is stored exactly as it appears in the file (little-endian, C order), so encoding a record is a copy.
///
/// ```swift
/// let ids = try Tensor(name: "input_ids", shape: [2, 3], values: [101, 7, 102, 101, 8, 102] as [Int32])
/// let back: [Int32] = try ids.values(as: Int32.self)
/// ```
public struct Tensor: Sendable, Hashable {
    /// The key under which the tensor is stored.
    public var name: String
    /// The element type.
    public var dtype: TensorDType
    /// The dimensions, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The elements as little-endian bytes in C order; `data.count == elementCount * dtype.itemSize`.
    public var data: [UInt8]

    /// Creates a tensor from raw little-endian bytes.
    /// - Parameters:
    ///   - name: The key under which the tensor is stored.
    ///   - dtype: The element type.
    ///   - shape: The dimensions (each ≥ 0).
    ///   - data: Little-endian, C-order bytes.
    /// - Throws: ``ShardError`` (`invalidTensor`) when a dimension is negative or the byte count does not match
    ///   the shape.
    public init(name: String, dtype: TensorDType, shape: [Int], data: [UInt8]) throws(ShardError) {
        let count = try Self.elementCount(of: shape, name: name)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, bytes == data.count else {
            throw ShardError(
                .invalidTensor,
                "tensor '\(name)' of shape \(shape) and dtype \(dtype.rawValue) needs "
                    + "\(overflow ? "too many" : "\(bytes)") bytes, but \(data.count) were given"
            )
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// The number of elements: the product of the shape (1 for a scalar).
    public var elementCount: Int {
        shape.reduce(1, *)
    }

    /// The product of `shape`, checking for negative dimensions and overflow.
    /// - Parameters:
    ///   - shape: The dimensions.
    ///   - name: The tensor's name, for the error message.
    /// - Returns: The element count.
    /// - Throws: ``ShardError`` (`invalidTensor`).
    static func elementCount(of shape: [Int], name: String) throws(ShardError) -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw ShardError(.invalidTensor, "tensor '\(name)' has a negative dimension in shape \(shape)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw ShardError(.invalidTensor, "tensor '\(name)' has too many elements (shape \(shape))")
            }
            count = product
        }
        return count
    }
}
