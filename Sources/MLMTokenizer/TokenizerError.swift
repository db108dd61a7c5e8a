import MLMCore

/// A tokenizer set-up or input error: the message says what is wrong and what to do.
public struct TokenizerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Hashable, Sendable {
        /// The vocabulary file is missing, unreadable or malformed.
        case badVocabulary
        /// The vocabulary has no unknown token.
        case missingUnknownToken
        /// The `tokenizer.json` file is malformed or describes a tokenizer mlmprep does not reproduce.
        case unsupportedTokenizer
        /// A setting is out of range.
        case badSetting
        /// The built-in character tables are damaged (a build problem).
        case internalTables
        /// The input holds invalid UTF-8 and `--invalid-utf8 fail` was given.
        case invalidUTF8
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// Where it happened, when it concerns a file.
    public var location: InputLocation?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What happened and what to do.
    ///   - location: The file and position, if any.
    public init(_ code: Code, _ message: String, at location: InputLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
