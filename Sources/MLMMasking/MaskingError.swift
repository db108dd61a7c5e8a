/// A masking set-up error: the message is one line that names the flag and the bad value.
///
/// ```swift
/// do { try settings.validate() } catch { print(error) }   // "--rate must be in (0, 1), got 1.5"
/// ```
public struct MaskingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Hashable, Sendable {
        /// A setting is out of range or contradicts another one.
        case invalidSetting
        /// The vocabulary facts cannot serve the settings (no `[MASK]`-free random ids, no unigram counts).
        case missingVocabulary
        /// `--strategy pmi` was chosen without a unit matcher (a PMI table).
        case missingUnitMatcher
    }

    /// The kind of failure.
    public var code: Code
    /// What is wrong, naming the flag; one line.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What is wrong, naming the flag.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, as printed on stderr.
    public var description: String { message }
}
