import MLMCore

/// The bytes of one input that one worker reads (an ``InputSlicePlan/Part``): from the first fresh start at or
/// after the part's `from` to the first one at or after its `to` (see ``DocumentBoundaryScanner``).
///
/// A plain file is positioned with `lseek` a little before `from` (64 KiB, or `--max-line-bytes` when the line
/// there is white space that long); a zstd file is decompressed from its start and the bytes before are dropped.
/// A whole file passes through untouched.
final class SlicedByteSource {
    /// The underlying input.
    let source: ByteSource
    /// The part read.
    let part: InputSlicePlan.Part
    /// The absolute (decompressed) position of the first byte handed out; known after ``prepare()``.
    private(set) var start = 0
    private let everyLine: Bool
    private let maxLineBytes: Int
    /// Bytes read while looking for the start, to hand out first.
    private var pending: [UInt8] = []
    /// Finds the end; nil when the part runs to the end of the file.
    private var endScanner: DocumentBoundaryScanner?
    private var done = false

    /// Creates the source of one part.
    /// - Parameters:
    ///   - source: The opened input.
    ///   - part: The part to read.
    ///   - everyLine: Whether every line start is a fresh start (JSON Lines, `--doc-boundary line`).
    ///   - maxLineBytes: The reader's longest line.
    init(source: ByteSource, part: InputSlicePlan.Part, everyLine: Bool, maxLineBytes: Int) {
        self.source = source
        self.part = part
        self.everyLine = everyLine
        self.maxLineBytes = maxLineBytes
    }

    /// The name used in messages.
    var name: String { source.name }
    /// Whether the input is zstd-compressed.
    var isCompressed: Bool { source.isCompressed }
    /// Decompressed bytes handed out.
    private(set) var bytesProduced = 0
    /// The 1-based number of the first line handed out, or 0 when unknown (the part starts inside the file).
    var firstLine: Int { start == 0 ? 1 : 0 }

    /// Finds where the part starts (reading a little of the input).
    /// - Throws: ``ReaderError`` for I/O errors and damaged zstd data.
    func prepare() throws(ReaderError) {
        if part.from > 0 {
            // A zstd file cannot be read twice cheaply: look back as far as a line can be at once.
            let wide = maxLineBytes + 4
            if try source.isZstdFile() {
                _ = try findStart(window: wide)
            } else if try !findStart(window: min(64 << 10, wide)) {
                _ = try findStart(window: wide)
            }
        }
        if let to = part.to {
            endScanner = DocumentBoundaryScanner(
                everyLine: everyLine, maxLineBytes: maxLineBytes, threshold: to, position: start, atLineStart: true)
            if start >= to { done = true }
        }
    }

    /// Reads from `from − window` and looks for the start; false when the window was too short to tell.
    private func findStart(window: Int) throws(ReaderError) -> Bool {
        let from = part.from
        let first = max(0, from - (everyLine ? 1 : window))
        var position = 0
        if try source.seekPlain(to: first) { position = first }
        var scanner = DocumentBoundaryScanner(
            everyLine: everyLine, maxLineBytes: maxLineBytes, threshold: from, position: first,
            atLineStart: first == 0)
        var buffer: [UInt8] = []
        while true {
            buffer.removeAll(keepingCapacity: true)
            guard try source.read(appendingTo: &buffer) else {
                start = max(position, from)  // no fresh start after `from`: the part is empty
                done = true
                return true
            }
            let end = position + buffer.count
            defer { position = end }
            if end <= first { continue }
            let skip = max(first - position, 0)
            let outcome = buffer.withUnsafeBufferPointer { scanner.feed(UnsafeBufferPointer(rebasing: $0[skip...])) }
            switch outcome {
            case .none: continue
            case .undetermined: return false
            case .boundary(let offset):
                start = position + skip + offset
                pending = Array(buffer[(skip + offset)...])
                return true
            }
        }
    }

    /// Appends the next bytes of the part to `buffer`.
    /// - Returns: False at the end of the part.
    /// - Throws: ``ReaderError`` for I/O errors and damaged zstd data.
    func read(appendingTo buffer: inout [UInt8]) throws(ReaderError) -> Bool {
        if done { return false }
        let before = buffer.count
        if !pending.isEmpty {
            buffer.append(contentsOf: pending)
            pending = []
        } else if try !source.read(appendingTo: &buffer) {
            done = true
            return false
        }
        if endScanner != nil {
            let outcome = buffer.withUnsafeBufferPointer { endScanner!.feed(UnsafeBufferPointer(rebasing: $0[before...])) }
            if case .boundary(let offset) = outcome {
                buffer.removeSubrange((before + offset)...)
                done = true
            }
        }
        bytesProduced += buffer.count - before
        return true
    }
}
