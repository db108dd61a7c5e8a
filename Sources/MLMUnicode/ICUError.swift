import CICUShim

/// An error reported by ICU, with ICU's own name for the status code.
public struct ICUError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw `UErrorCode` value.
    public let code: Int32
    /// ICU's name for the code and what mlmprep was doing.
    public let message: String

    init(_ status: Int32, doing context: String) {
        code = status
        message = "\(context): ICU error \(String(cString: cicu_error_name(status)))"
    }

    public var description: String { message }
}
