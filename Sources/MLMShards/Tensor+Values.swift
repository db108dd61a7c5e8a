extension Tensor {
    /// Creates a tensor from typed values, storing them little-endian.
    ///
    /// ```swift
    /// let mask = try Tensor(name: "attention_mask", shape: [batch, length], values: maskBytes)  // [UInt8]
    /// ```
    /// - Parameters:
    ///   - name: The key under which the tensor is stored.
    ///   - shape: The dimensions; their product must equal `values.count`.
    ///   - values: The elements in C order. The dtype follows from the element type (`Int32` → `I32`, …).
    /// - Throws: ``ShardError`` (`invalidTensor`) when the shape does not match the number of values.
    /// - Complexity: O(n), a single copy on little-endian hosts.
    public init<Element: TensorElement>(name: String, shape: [Int], values: [Element]) throws(ShardError) {
        let count = try Self.elementCount(of: shape, name: name)
        guard count == values.count else {
            throw ShardError(
                .invalidTensor,
                "tensor '\(name)' has shape \(shape) (\(count) elements) but \(values.count) values were given"
            )
        }
        let bytes: [UInt8]
        #if _endian(little)
            bytes = values.withUnsafeBytes { Array($0) }
        #else
            bytes = values.map(\.byteSwappedForTensor).withUnsafeBytes { Array($0) }
        #endif
        try self.init(name: name, dtype: Element.tensorDType, shape: shape, data: bytes)
    }

    /// Creates a one-dimensional tensor from typed values.
    /// - Parameters:
    ///   - name: The key under which the tensor is stored.
    ///   - values: The elements; the shape is `[values.count]`.
    /// - Throws: Never in practice; the signature matches the shaped initializer.
    public init<Element: TensorElement>(name: String, values: [Element]) throws(ShardError) {
        try self.init(name: name, shape: [values.count], values: values)
    }

    /// Reads the elements back as Swift values.
    ///
    /// The element type must match the dtype exactly (`Int32` for `I32`, `UInt8` for `U8`, …); no conversion
    /// happens.
    /// - Parameter type: The element type, such as `Int32.self`.
    /// - Returns: The elements in C order.
    /// - Throws: ``ShardError`` (`invalidTensor`) when the dtype is not `Element`'s.
    public func values<Element: TensorElement>(as type: Element.Type) throws(ShardError) -> [Element] {
        guard dtype == Element.tensorDType else {
            throw ShardError(
                .invalidTensor,
                "tensor '\(name)' has dtype \(dtype.rawValue), not \(Element.tensorDType.rawValue) as \(Element.self)"
            )
        }
        let count = data.count / MemoryLayout<Element>.stride
        let result = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            }
            initialized = count
        }
        #if _endian(little)
            return result
        #else
            return result.map(\.byteSwappedForTensor)
        #endif
    }
}
