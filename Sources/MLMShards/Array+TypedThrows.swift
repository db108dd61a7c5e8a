extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for closures with a typed `throws(ShardError)`, which the standard library's
    /// `rethrows` version cannot forward.
    /// - Parameter body: The closure to run over the bytes.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    func withUnsafeBytesThrowing<Result>(
        _ body: (UnsafeRawBufferPointer) throws(ShardError) -> Result
    ) throws(ShardError) -> Result {
        let outcome: Swift.Result<Result, ShardError> = withUnsafeBytes { raw in
            Swift.Result { () throws(ShardError) -> Result in try body(raw) }
        }
        return try outcome.get()
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeMutableBytes` for closures with a typed `throws(ShardError)`.
    /// - Parameter body: The closure to run over the bytes.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    mutating func withUnsafeMutableBytesThrowing<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws(ShardError) -> Result
    ) throws(ShardError) -> Result {
        let outcome: Swift.Result<Result, ShardError> = withUnsafeMutableBytes { raw in
            Swift.Result { () throws(ShardError) -> Result in try body(raw) }
        }
        return try outcome.get()
    }
}
