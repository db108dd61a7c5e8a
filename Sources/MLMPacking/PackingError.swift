/// A packing setting that cannot work; ``description`` is one line for stderr that says what to change.
public struct PackingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Hashable, Sendable {
        /// The sequence length leaves no room for the special tokens and at least one token per segment.
        case sequenceTooShort
        /// Another setting is out of range (batch size, probability, pool size).
        case badSetting
    }

    /// The kind of failure.
    public var code: Code
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What is wrong and what to do.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
