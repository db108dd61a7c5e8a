/// The one error type of `MLMPMI`: a bad setting, a damaged or mismatched count file or table, an I/O failure.
///
/// Its ``description`` is one line for stderr that names the file (when there is one), what went wrong and
/// what to do:
///
/// ```
/// parts/level2.1: part 1/3 of round 2 is missing; count it with `mlmprep pmi count … --worker 1/3`
/// ```
public struct PMIError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// A setting is out of range or contradicts another one.
        case invalidSetting
        /// A file could not be opened, read or written.
        case io
        /// A count file or table is damaged or not what it claims to be.
        case invalidFile
        /// Files that must agree (parts of one round, a table and a store) do not.
        case mismatch
        /// The counts do not fit in `--memory-limit`.
        case memoryLimit
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// The file the error is about, if any.
    public var path: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong and what to do about it.
    ///   - path: The file concerned.
    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// One line: the file, then the message.
    public var description: String {
        guard let path else { return message }
        return "\(path): \(message)"
    }
}
