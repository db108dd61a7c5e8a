/// A training-order setting that cannot work; ``description`` is one line for stderr that says what to change.
public struct OrderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Hashable, Sendable {
        /// `--rank r/R` (or `RANK`/`WORLD_SIZE`) is malformed or out of range.
        case badRank
        /// `--weights` is malformed, has a non-positive weight, or does not match the number of sources.
        case badWeights
        /// `--start-step` is past the end of the run.
        case stepOutOfRange
        /// Another setting is out of range (batch size, sequence count).
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
