#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the first place at or after a position where the reader starts afresh: a line start after which no
/// document is open, so that reading from there gives exactly the documents one reader of the whole file gives.
///
/// In plain text with blank-line boundaries that is a line start right after a blank line (empty or white space
/// only, as ``CorpusReader`` decides it: a line over `--max-line-bytes` is never blank); in JSON Lines and with
/// `--doc-boundary line`, every line start. Bytes are fed in order; the scanner keeps only the current line, and
/// only while it may still be blank (at most `maxLineBytes + 2` bytes).
struct DocumentBoundaryScanner {
    /// What a piece of bytes showed.
    enum Outcome: Equatable {
        /// No boundary at or after the threshold yet.
        case none
        /// The first boundary at or after the threshold is this many bytes into the piece (possibly its end).
        case boundary(Int)
        /// A line whose start came before the first byte fed ends at or after the threshold, and what was fed
        /// of it is white space only: whether it is blank is unknown (feed from earlier on).
        case undetermined
    }

    /// Every line start is a boundary (JSON Lines, `--doc-boundary line`).
    let everyLine: Bool
    /// The reader's longest line.
    let maxLineBytes: Int
    /// Boundaries before this absolute position are not reported.
    let threshold: Int
    /// The absolute position of the next byte fed.
    private(set) var position: Int
    /// Whether the current line's start was fed (false until the first newline when feeding began mid-line).
    private var lineStartKnown: Bool
    /// Bytes of the current line fed so far.
    private var lineLength = 0
    /// Every byte of the current line so far can belong to white space.
    private var lineMayBeBlank = true
    /// The current line's bytes while it may be blank and is short enough to be.
    private var lineBytes: [UInt8] = []

    /// Creates a scanner.
    /// - Parameters:
    ///   - everyLine: Whether every line start is a boundary.
    ///   - maxLineBytes: The reader's longest line.
    ///   - threshold: The first position of interest (> 0).
    ///   - position: The absolute position of the first byte to be fed.
    ///   - atLineStart: Whether `position` is known to be a line start.
    init(everyLine: Bool, maxLineBytes: Int, threshold: Int, position: Int, atLineStart: Bool) {
        self.everyLine = everyLine
        self.maxLineBytes = maxLineBytes
        self.threshold = threshold
        self.position = position
        self.lineStartKnown = atLineStart
    }

    /// Feeds the next bytes.
    /// - Parameter bytes: The bytes at ``position``.
    /// - Returns: Where the first boundary at or after the threshold is, if these bytes show it.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let base = bytes.baseAddress else { return .none }
        var start = 0
        while start < bytes.count {
            guard let hit = memchr(base + start, 0x0A, bytes.count - start) else {
                extendLine(UnsafeBufferPointer(rebasing: bytes[start...]))
                break
            }
            let newline = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            // The line ends here: the next one starts at absolute position `position + newline + 1`.
            if position + newline + 1 >= threshold {
                if everyLine { return .boundary(newline + 1) }
                extendLine(UnsafeBufferPointer(rebasing: bytes[start..<newline]))
                switch lineIsBlank() {
                case true?: return .boundary(newline + 1)
                case nil: return .undetermined
                case false?: break
                }
            }
            startLine()
            start = newline + 1
        }
        position += bytes.count
        return .none
    }

    /// Adds bytes of the current line.
    private mutating func extendLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        lineLength += bytes.count
        guard lineMayBeBlank, !everyLine else { return }
        for byte in bytes where !Self.mayBeInWhiteSpace(byte) {
            lineMayBeBlank = false
            lineBytes = []
            return
        }
        if lineLength > maxLineBytes + 2 {
            lineMayBeBlank = false
            lineBytes = []
        } else {
            lineBytes.append(contentsOf: bytes)
        }
    }

    /// Whether the line just ended is blank as the reader decides it; nil when that is unknown.
    private func lineIsBlank() -> Bool? {
        guard lineMayBeBlank else { return false }
        guard lineStartKnown else { return nil }
        let content = lineLength - (lineBytes.last == 0x0D ? 1 : 0)
        if content > maxLineBytes { return false }
        return lineBytes.withUnsafeBufferPointer { CorpusReader.isBlank($0) }
    }

    /// Starts the next line.
    private mutating func startLine() {
        lineStartKnown = true
        lineLength = 0
        lineMayBeBlank = true
        lineBytes.removeAll(keepingCapacity: true)
    }

    /// Whether a byte can be part of the white space ``CorpusReader/isBlank(_:)`` accepts.
    static func mayBeInWhiteSpace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09...0x0D, 0x1C...0x20, 0x80...0x8A, 0x9A, 0x9F, 0xA0, 0xA8, 0xA9, 0xAF, 0xC2, 0xE1, 0xE2, 0xE3: true
        default: false
        }
    }
}
