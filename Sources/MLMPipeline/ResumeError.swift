/// Why `--resume` cannot continue the run in an output directory.
///
/// ```
/// tok/: cannot resume: --max-line-bytes was 4096 in the interrupted run and is 8192 now; resume with the same
/// settings, or pass --overwrite to start over
/// ```
public struct ResumeError: Error, Sendable, CustomStringConvertible {
    /// The kind of refusal.
    public enum Code: String, Sendable, Hashable {
        /// A setting differs from the interrupted run's.
        case settingsChanged
        /// An input file was changed, added or removed since the interrupted run.
        case inputChanged
        /// The progress journal cannot be read.
        case damagedJournal
    }

    /// The kind of refusal.
    public var code: Code
    /// What differs and what to do about it.
    public var message: String
    /// The output directory.
    public var directory: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of refusal.
    ///   - message: What differs and what to do.
    ///   - directory: The output directory.
    public init(_ code: Code, _ message: String, directory: String) {
        self.code = code
        self.message = message
        self.directory = directory
    }

    /// One line: `directory: cannot resume: message`.
    public var description: String { "\(directory): cannot resume: \(message)" }
}
