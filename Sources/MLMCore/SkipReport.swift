/// One skipped document or replaced input, with where it was and why; the CLI prints these as warnings.
public struct SkipReport: Hashable, Sendable, CustomStringConvertible {
    /// Where the document (or the offending byte) is.
    public var location: InputLocation
    /// The reason, or nil for a warning that did not skip anything (for example replaced invalid UTF-8).
    public var reason: SkipReason?
    /// What happened, in words.
    public var detail: String

    /// Creates a report.
    /// - Parameters:
    ///   - location: Where it happened.
    ///   - reason: The skip reason, or nil for a warning only.
    ///   - detail: What happened.
    public init(location: InputLocation, reason: SkipReason?, detail: String) {
        self.location = location
        self.reason = reason
        self.detail = detail
    }

    public var description: String {
        if let reason { return "\(location): skipped document (\(reason.rawValue)): \(detail)" }
        return "\(location): \(detail)"
    }
}
