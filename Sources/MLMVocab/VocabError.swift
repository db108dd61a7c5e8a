/// A vocabulary-training error: the message says what is wrong and what to do.
public struct VocabError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Hashable, Sendable {
        /// A setting is out of range or inconsistent.
        case badSetting
        /// The corpus holds no word at all.
        case emptyCorpus
        /// A reference vocabulary (`--alphabet-like`) does not fit the corpus.
        case referenceMismatch
        /// A file could not be read or written.
        case io
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The file concerned, if any.
    public var path: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What happened and what to do.
    ///   - path: The file concerned.
    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
