#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place that turns a C return code into a result: retries a call interrupted by a signal (`EINTR`),
/// and returns the value, or `errno` when the call failed (returned a negative value).
///
/// ```swift
/// let count = try valueOrErrno { read(fd, buffer, size) }.get()   // Result<Int, Errno>
/// ```
/// - Parameters:
///   - retryOnInterrupt: Call again after `EINTR` (not for `close`, which releases the descriptor either way).
///   - body: The system call.
/// - Returns: The call's non-negative value, or the `errno` it left.
@inlinable
public func valueOrErrno<I: FixedWidthInteger>(
    retryOnInterrupt: Bool = true, _ body: () -> I
) -> Result<I, Errno> {
    while true {
        let value = body()
        if value >= 0 { return .success(value) }
        let code = errno
        if retryOnInterrupt && code == EINTR && Termination.pendingSignal == nil { continue }
        return .failure(Errno(rawValue: code))
    }
}

/// An `errno` value.
public struct Errno: Error, Sendable, Hashable, RawRepresentable {
    /// The C value.
    public var rawValue: Int32
    /// Wraps a C value.
    @inlinable
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The operation would block (`EAGAIN`/`EWOULDBLOCK`): a pipe left in non-blocking mode.
    public var wouldBlock: Bool { rawValue == EAGAIN || rawValue == EWOULDBLOCK }

    /// The error for a message, naming the operation and the file.
    public func error(_ operation: String, path: String) -> SystemError {
        SystemError(operation, path: path, errorNumber: rawValue)
    }
}
