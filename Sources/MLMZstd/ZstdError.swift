import CZstd

/// An error reported by libzstd, carrying the library's own error name.
///
/// The corresponding C functions are `ZSTD_isError` and `ZSTD_getErrorName`.
public struct ZstdError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw error code returned by libzstd (a `size_t` for which `ZSTD_isError` is true), or 0 for
    /// errors detected by mlmprep itself.
    public let code: Int
    /// A human-readable description: libzstd's error name plus context.
    public let message: String

    /// Creates an error from a libzstd return code.
    /// - Parameters:
    ///   - code: A `size_t` for which `ZSTD_isError` is true.
    ///   - context: What mlmprep was doing when the error happened.
    init(code: Int, context: String) {
        self.code = code
        let name = String(cString: ZSTD_getErrorName(code))
        self.message = "\(context): \(name)"
    }

    /// Creates an error detected by mlmprep while handling zstd data.
    /// - Parameter message: What went wrong.
    public init(message: String) {
        self.code = 0
        self.message = message
    }

    public var description: String { message }
}

/// Turns a libzstd `size_t` return value into a result, throwing ``ZstdError`` on failure.
/// - Parameters:
///   - context: What the call was doing, used in the error message.
///   - body: The libzstd call.
/// - Returns: The non-error value.
/// - Throws: ``ZstdError`` when `ZSTD_isError` is true.
@inline(__always)
func valueOrZstdError(_ context: @autoclosure () -> String, _ body: () -> Int) throws(ZstdError) -> Int {
    let value = body()
    if czstd_is_error(value) != 0 {
        throw ZstdError(code: value, context: context())
    }
    return value
}
