#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MLMCore

/// Streams documents from files and standard input, chunk by chunk, in input order.
///
/// ```swift
/// let reader = CorpusReader(paths: ["a.txt", "b.jsonl.zst"], options: ReaderOptions())
/// try reader.read { chunk in process(chunk) }
/// ```
/// Memory is bounded by one chunk plus one line (at most ``ReaderOptions/maxLineBytes``), whatever the
/// size of the input.
public final class CorpusReader {
    /// The inputs, in order (`-` is standard input).
    public let paths: [String]
    /// The reader settings.
    public let options: ReaderOptions
    private var chunk: DocumentChunk
    private var nextChunkIndex = 0
    private let jsonField: JSONTextField
    private var scratch: [UInt8] = []
    /// Documents read in the chunks already handed over (to tell a file that held none).
    private var documentsInEmittedChunks = 0

    /// Creates a reader.
    /// - Parameters:
    ///   - paths: Files, in order; `-` reads standard input.
    ///   - options: Reader settings.
    public init(paths: [String], options: ReaderOptions) {
        self.paths = paths
        self.options = options
        self.chunk = DocumentChunk(index: 0)
        self.jsonField = JSONTextField(field: options.field)
    }

    /// Reads every input and hands over chunks of whole documents in order.
    /// - Parameter emit: Called with each chunk; an error thrown here stops reading.
    /// - Throws: ``ReaderError`` for missing, unreadable or damaged inputs, or what `emit` throws.
    public func read(_ emit: (DocumentChunk) throws -> Void) throws {
        let parts: [InputSlicePlan.Part]
        if options.worker.isAll {
            parts = paths.enumerated().map { .init(input: $0, path: $1, size: 0, from: 0, to: nil) }
        } else {
            parts = try InputSlicePlan(paths: paths, worker: options.worker).parts
        }
        for part in parts {
            let format = options.format ?? InputFormat.guess(from: part.path)
            let source = SlicedByteSource(
                source: try ByteSource(path: part.path, chunkSize: max(options.readChunkBytes, 1)), part: part,
                everyLine: format == .jsonLines || options.boundary == .line, maxLineBytes: options.maxLineBytes)
            try source.prepare()
            if part.ownsStart { chunk.counts.files += 1 }
            let documentsBefore = documentsInEmittedChunks + chunk.counts.documentsRead
            switch format {
            case .text: try readText(source, emit)
            case .jsonLines: try readJSONLines(source, emit)
            }
            if part.isWholeFile && documentsInEmittedChunks + chunk.counts.documentsRead == documentsBefore {
                let what = format == .text ? "only blank lines" : "only blank lines, no records"
                chunk.skipped.append(
                    SkipReport(
                        location: InputLocation(file: source.name), reason: nil,
                        detail: source.bytesProduced == 0
                            ? "the file is empty (0 bytes\(source.isCompressed ? " after decompression" : "")): "
                                + "no documents; check that it is the file you meant"
                            : "the file holds no documents (\(what)); check that it is the file you meant"))
            }
        }
        if !chunk.documents.isEmpty || chunk.counts != RunCounts() {
            try emit(chunk)
        }
    }

    // MARK: - Chunks

    private func flushIfFull(_ emit: (DocumentChunk) throws -> Void) throws {
        if chunk.bytes.count >= options.targetChunkBytes || chunk.documents.count >= 65536 {
            documentsInEmittedChunks += chunk.counts.documentsRead
            try emit(chunk)
            nextChunkIndex += 1
            chunk = DocumentChunk(index: nextChunkIndex)
            chunk.bytes.reserveCapacity(options.targetChunkBytes + options.targetChunkBytes / 4)
        }
    }

    private func appendSentence(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, offset: Int) {
        chunk.bytes.append(contentsOf: line)
        chunk.sentenceEnds.append(chunk.bytes.count)
        chunk.sentenceLines.append(lineNumber)
        chunk.sentenceOffsets.append(offset)
    }

    // MARK: - Lines

    /// Calls `body` for every line (without `\n`, and without a `\r` before it), with its 1-based number and
    /// the byte offset where it starts. Lines longer than the limit are passed as `nil` text.
    private func forEachLine(
        _ source: SlicedByteSource,
        _ body: (UnsafeBufferPointer<UInt8>?, Int, Int) throws -> Void
    ) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(2 * max(options.readChunkBytes, 1 << 12))
        var start = 0  // start of the current line in buffer
        var scanFrom = 0
        var lineNumber = source.firstLine  // 0 (unknown) in a part that starts inside the file
        var lineOffset = source.start  // input offset of buffer[start]
        var discarding = false  // inside an over-long line
        var discardedBytes = 0  // bytes of the current line already dropped
        var more = true
        while true {
            // Find the next newline at or after scanFrom.
            let newline: Int? = buffer.withUnsafeBufferPointer { all -> Int? in
                guard scanFrom < all.count, let base = all.baseAddress else { return nil }
                guard let hit = memchr(base + scanFrom, 0x0A, all.count - scanFrom) else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                if discarding || end - start > options.maxLineBytes {
                    try body(nil, lineNumber, lineOffset)
                    discarding = false
                } else {
                    try buffer.withUnsafeBufferPointer { all in
                        try body(UnsafeBufferPointer(rebasing: all[start..<end]), lineNumber, lineOffset)
                    }
                }
                lineOffset += discardedBytes + newline + 1 - start
                discardedBytes = 0
                if lineNumber > 0 { lineNumber += 1 }
                start = newline + 1
                scanFrom = start
                continue
            }
            scanFrom = buffer.count
            // A `\r` at the end may be the one before the next read's `\n`: it does not count.
            let pending = buffer.count - start - (buffer.last == 0x0D ? 1 : 0)
            if pending > options.maxLineBytes {
                // Too long to keep: drop what we have of this line and remember to skip its document.
                discardedBytes += buffer.count - start
                discarding = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
                scanFrom = 0
            }
            if !more { break }
            // Compact, then read more.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                scanFrom -= start
                start = 0
            }
            let before = buffer.count
            more = try source.read(appendingTo: &buffer)
            chunk.counts.bytesRead += buffer.count - before
        }
        // The last line, without a final newline.
        if discarding {
            try body(nil, lineNumber, lineOffset)
        } else if start < buffer.count {
            var end = buffer.count
            if end > start && buffer[end - 1] == 0x0D { end -= 1 }
            if end - start > options.maxLineBytes {
                try body(nil, lineNumber, lineOffset)
            } else {
                try buffer.withUnsafeBufferPointer { all in
                    try body(UnsafeBufferPointer(rebasing: all[start..<end]), lineNumber, lineOffset)
                }
            }
        }
    }

    // MARK: - Plain text

    private func readText(_ source: SlicedByteSource, _ emit: (DocumentChunk) throws -> Void) throws {
        var open = false
        var documentStart = InputLocation(file: source.name)
        var documentBytes = 0
        var poisoned: SkipReport?
        let name = source.name

        func closeDocument() {
            guard open else { return }
            open = false
            chunk.counts.documentsRead += 1
            if let report = poisoned {
                // Drop the sentences this document had added.
                let first = chunk.documents.last?.sentenceEnd ?? 0
                let byteStart = first == 0 ? 0 : chunk.sentenceEnds[first - 1]
                chunk.bytes.removeSubrange(byteStart...)
                chunk.sentenceEnds.removeSubrange(first...)
                chunk.sentenceLines.removeSubrange(first...)
                chunk.sentenceOffsets.removeSubrange(first...)
                chunk.skipped.append(report)
                chunk.counts.skip(report.reason ?? .empty)
                poisoned = nil
            } else {
                chunk.documents.append(DocumentInfo(sentenceEnd: chunk.sentenceEnds.count, location: documentStart))
            }
        }

        try forEachLine(source) { line, number, offset in
            chunk.counts.lines += 1
            let location = InputLocation(file: name, line: number, byteOffset: offset)
            guard let line else {
                if !open {
                    open = true
                    documentStart = location
                    documentBytes = 0
                }
                if poisoned == nil {
                    poisoned = SkipReport(
                        location: location, reason: .lineTooLong,
                        detail: "a line is longer than --max-line-bytes \(options.maxLineBytes); "
                            + "raise the limit or fix the file")
                }
                if options.boundary == .line {
                    closeDocument()
                    try flushIfFull(emit)
                }
                return
            }
            let blank = Self.isBlank(line)
            switch options.boundary {
            case .line:
                open = true
                documentStart = location
                if blank {
                    poisoned = SkipReport(location: location, reason: .empty, detail: "blank line")
                } else {
                    appendSentence(line, lineNumber: number, offset: offset)
                }
                closeDocument()
                try flushIfFull(emit)
            case .blankLine:
                if blank {
                    closeDocument()
                    try flushIfFull(emit)
                    return
                }
                if open && documentBytes + line.count > options.maxDocumentBytes && documentBytes > 0 {
                    chunk.skipped.append(
                        SkipReport(
                            location: location, reason: nil,
                            detail: "document longer than \(options.maxDocumentBytes) bytes without a blank "
                                + "line: cut here into a new document"))
                    closeDocument()
                    try flushIfFull(emit)
                }
                if !open {
                    open = true
                    documentStart = location
                    documentBytes = 0
                }
                documentBytes += line.count
                appendSentence(line, lineNumber: number, offset: offset)
            }
        }
        closeDocument()
        try flushIfFull(emit)
    }

    /// 3 when a line starts with a UTF-8 byte-order mark (EF BB BF), else 0.
    static func byteOrderMarkLength(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF ? 3 : 0
    }

    /// Whether a line is empty or holds only white space (Python's `str.isspace`, as BERT's `strip()` sees it).
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = line.count
        while index < count {
            let byte = line[index]
            switch byte {
            case 0x09...0x0D, 0x1C...0x20:
                index += 1
            case 0xC2:
                guard index + 1 < count, line[index + 1] == 0x85 || line[index + 1] == 0xA0 else { return false }
                index += 2
            case 0xE1:
                guard index + 2 < count, line[index + 1] == 0x9A, line[index + 2] == 0x80 else { return false }
                index += 3
            case 0xE2:
                guard index + 2 < count else { return false }
                let b1 = line[index + 1]
                let b2 = line[index + 2]
                let ok =
                    (b1 == 0x80 && ((0x80...0x8A).contains(b2) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF))
                    || (b1 == 0x81 && b2 == 0x9F)
                guard ok else { return false }
                index += 3
            case 0xE3:
                guard index + 2 < count, line[index + 1] == 0x80, line[index + 2] == 0x80 else { return false }
                index += 3
            default:
                return false
            }
        }
        return true
    }

    // MARK: - JSON Lines

    private func readJSONLines(_ source: SlicedByteSource, _ emit: (DocumentChunk) throws -> Void) throws {
        let name = source.name
        try forEachLine(source) { line, number, offset in
            chunk.counts.lines += 1
            let location = InputLocation(file: name, line: number, byteOffset: offset)
            guard let line else {
                chunk.counts.documentsRead += 1
                chunk.counts.skip(.lineTooLong)
                chunk.skipped.append(
                    SkipReport(
                        location: location, reason: .lineTooLong,
                        detail: "the record is longer than --max-line-bytes \(options.maxLineBytes); raise the limit"))
                try flushIfFull(emit)
                return
            }
            // A UTF-8 byte-order mark before a record is not part of it (as Python's json.loads reads bytes); it
            // starts files saved by some Windows editors, and lines of such files joined with `cat`.
            let bom = Self.byteOrderMarkLength(line)
            let record = UnsafeBufferPointer(rebasing: line[bom...])
            if Self.isBlank(record) { return }  // not a record
            chunk.counts.documentsRead += 1
            scratch.removeAll(keepingCapacity: true)
            let outcome = jsonField.extract(from: record, into: &scratch)
            if options.badRecords == .fail {
                switch outcome {
                case .found: break
                case .missing:
                    throw ReaderError(
                        .invalidInput,
                        "the record has no \"\(options.field)\" field; name the text field with --field, "
                            + "or pass --bad-records skip to skip such records",
                        at: location)
                case .notString(let kind):
                    throw ReaderError(
                        .invalidInput,
                        "\"\(options.field)\" holds a \(kind), not a string; fix the record or pass --bad-records skip",
                        at: location)
                case .malformed(let column, let reason):
                    throw ReaderError(
                        .invalidInput,
                        "not valid JSON at column \(bom + column + 1): \(reason); fix the line or pass --bad-records skip",
                        at: InputLocation(file: name, line: number, byteOffset: offset + bom + column))
                }
            }
            switch outcome {
            case .found(let lone):
                chunk.counts.invalidUTF8Sequences += lone
                if lone > 0 {
                    chunk.skipped.append(
                        SkipReport(
                            location: location, reason: nil,
                            detail: "\(lone) unpaired surrogate escape(s) in \"\(options.field)\" replaced by U+FFFD"))
                }
                // Each line of the text is a sentence.
                var sentenceCount = 0
                scratch.withUnsafeBufferPointer { text in
                    var lineStart = 0
                    var index = 0
                    while index <= text.count {
                        if index == text.count || text[index] == 0x0A {
                            var end = index
                            if end > lineStart && text[end - 1] == 0x0D { end -= 1 }
                            if end > lineStart {
                                appendSentence(
                                    UnsafeBufferPointer(rebasing: text[lineStart..<end]), lineNumber: number,
                                    offset: offset)
                                sentenceCount += 1
                            }
                            lineStart = index + 1
                        }
                        index += 1
                    }
                }
                _ = sentenceCount
                chunk.documents.append(DocumentInfo(sentenceEnd: chunk.sentenceEnds.count, location: location))
            case .missing:
                chunk.counts.skip(.missingField)
                chunk.skipped.append(
                    SkipReport(
                        location: location, reason: .missingField,
                        detail: "no \"\(options.field)\" field; name the text field with --field"))
            case .notString(let kind):
                chunk.counts.skip(.fieldNotString)
                chunk.skipped.append(
                    SkipReport(
                        location: location, reason: .fieldNotString,
                        detail: "\"\(options.field)\" holds a \(kind), not a string"))
            case .malformed(let column, let reason):
                chunk.counts.skip(.malformedJSON)
                chunk.skipped.append(
                    SkipReport(
                        location: InputLocation(file: name, line: number, byteOffset: offset + bom + column),
                        reason: .malformedJSON,
                        detail: "not valid JSON at column \(bom + column + 1): \(reason)"))
            }
            try flushIfFull(emit)
        }
    }
}
