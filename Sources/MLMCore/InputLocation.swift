/// A position in an input file, used in every error and skip report.
///
/// Lines are 1-based; byte offsets are 0-based and count bytes of the decompressed stream (for `.zst`
/// input, positions refer to the decompressed text, which is what a user sees with `zstd -dc`).
public struct InputLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file name as the user gave it, or `<stdin>`.
    public var file: String
    /// The 1-based line number, or 0 when unknown.
    public var line: Int
    /// The 0-based byte offset from the start of the (decompressed) input.
    public var byteOffset: Int

    /// Creates a location.
    /// - Parameters:
    ///   - file: The file name, or `<stdin>`.
    ///   - line: The 1-based line number (0 when unknown).
    ///   - byteOffset: The 0-based byte offset.
    public init(file: String, line: Int = 0, byteOffset: Int = 0) {
        self.file = file
        self.line = line
        self.byteOffset = byteOffset
    }

    /// `file:line (byte N)`, the form every message uses (`file (byte N)` without a line, `file` alone at 0).
    public var description: String {
        if line > 0 { return "\(file):\(line) (byte \(byteOffset))" }
        return byteOffset > 0 ? "\(file) (byte \(byteOffset))" : file
    }
}
