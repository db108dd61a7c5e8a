#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call: what was being done, on which file, and the system's reason (`errno`).
///
/// Its ``description`` is one line that names the file, the operation, the system's reason and what to do:
///
/// ```
/// out/shard-00003.mlmb.zst: cannot write: No space left on device; free some space or write elsewhere
/// ```
/// Each module's own error type wraps it (`ShardError`, `PMIError`, `ReaderError`), keeping this wording.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done, such as "cannot write".
    public var operation: String
    /// The file concerned.
    public var path: String
    /// The `errno` value.
    public var errorNumber: Int32

    /// Creates an error.
    /// - Parameters:
    ///   - operation: What was being done, such as "cannot write".
    ///   - path: The file concerned.
    ///   - errorNumber: The `errno` value (by default the current one).
    public init(_ operation: String, path: String, errorNumber: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.errorNumber = errorNumber
    }

    /// The system's reason (`strerror`).
    public var reason: String { String(cString: strerror(errorNumber)) }

    /// The reader of a pipe went away (`EPIPE`).
    public var isBrokenPipe: Bool { errorNumber == EPIPE }

    /// The file does not exist (`ENOENT`).
    public var isMissingFile: Bool { errorNumber == ENOENT }

    /// What to do about it, as a clause starting with `"; "` (empty when there is nothing specific to say).
    public var advice: String {
        switch errorNumber {
        case ENOSPC, EDQUOT: return "; free some space or write elsewhere"
        case EFBIG:
            return "; the file reached the largest size allowed (ulimit -f, or the file system's limit): "
                + "raise the limit or pass a smaller --max-shard-mb"
        case EIO: return "; the device reported an I/O error: check it (dmesg) and write elsewhere"
        case EACCES, EPERM, EROFS: return "; check the permissions of the file and its directory"
        case ENOENT: return "; check that the path exists"
        default: return ""
        }
    }

    /// The operation, the reason and the advice, without the path.
    public var message: String { "\(operation): \(reason)\(advice)" }

    /// One line: the path, then the message.
    public var description: String { "\(path): \(message)" }
}
