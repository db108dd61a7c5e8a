import MLMCore

/// An input error that stops a run: the message names the file, the position and what to do.
public struct ReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Hashable, Sendable {
        /// The file does not exist.
        case fileNotFound
        /// The file exists but cannot be opened or read (permissions, a directory, an I/O error).
        case unreadable
        /// A `.zst` input is damaged.
        case corruptCompressed
        /// A `.zst` input ends in the middle of a frame.
        case truncatedCompressed
        /// The input breaks a rule the user asked to enforce (`--invalid-utf8 fail`, for example).
        case invalidInput
        /// A glob matched nothing.
        case noMatch
        /// A file shrank, grew or was rewritten while it was read.
        case changedWhileRead
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// Where it happened.
    public var location: InputLocation

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What happened and what to do.
    ///   - location: Where it happened.
    public init(_ code: Code, _ message: String, at location: InputLocation) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}
