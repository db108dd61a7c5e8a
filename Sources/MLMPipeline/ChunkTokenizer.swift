#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MLMCore
import MLMReaders
import MLMShards
import MLMTokenizer
import MLMUnicode
import MLMZstd

/// One chunk after tokenizing: a compressed record (or none when every document was skipped) and counts.
struct TokenizedChunk: Sendable {
    /// The chunk's position in the run (``DocumentChunk/index``).
    var index = 0
    /// The compressed record.
    var frame: [UInt8]?
    /// The record's uncompressed size.
    var rawSize = 0
    /// Documents in the record.
    var documents = 0
    /// Reader and tokenizer counts for the chunk.
    var counts = RunCounts()
    /// Skips and warnings, in input order.
    var reports: [SkipReport] = []
    /// A policy error (`--invalid-utf8 fail`) that must stop the run.
    var failure: TokenizerError?
}

/// A worker's state for tokenizing chunks: its own encoder, sentence breaker and compressor.
struct ChunkTokenizer {
    private let encoder: BertEncoder
    private let compressor: ZstdCompressor
    private let breaker: SentenceBreaker?
    private let grouper: CJKWordGrouper?
    private let idType: TensorDType
    private let invalidUTF8: InvalidUTF8Policy
    private let cleanText: Bool

    /// Creates a worker.
    init(
        vocabulary: Vocabulary, tables: BertCharacterTables, tokenizer: TokenizerSettings, idType: TensorDType,
        invalidUTF8: InvalidUTF8Policy, sentences: SentenceSource, cjkWords: CJKWordSource = .char,
        compressionLevel: Int32
    ) throws {
        encoder = BertEncoder(vocabulary: vocabulary, tables: tables, settings: tokenizer)
        compressor = try ZstdCompressor(level: compressionLevel)
        breaker = sentences == .icu ? try SentenceBreaker() : nil
        grouper = cjkWords == .icu ? try CJKWordGrouper() : nil
        self.idType = idType
        self.invalidUTF8 = invalidUTF8
        self.cleanText = tokenizer.normalizer.cleanText
    }

    /// Tokenizes every document of a chunk and compresses the record.
    func process(_ chunk: DocumentChunk) throws -> TokenizedChunk {
        var result = TokenizedChunk()
        result.index = chunk.index
        result.counts = chunk.counts
        result.reports = chunk.skipped
        encoder.reset()
        var documentOffsets: [Int64] = [0]
        documentOffsets.reserveCapacity(chunk.documents.count + 1)
        var sentenceCount = 0
        try chunk.bytes.withUnsafeBufferPointer { bytes in
            var firstSentence = 0
            for document in chunk.documents {
                let tokenStart = encoder.ids.count
                let unknownBefore = encoder.unknownCount
                let wordsBefore = encoder.wordCount
                let sentencesBefore = sentenceCount
                var invalid = 0
                var invalidLocation: InputLocation?
                for sentence in firstSentence..<document.sentenceEnd {
                    let start = sentence == 0 ? 0 : chunk.sentenceEnds[sentence - 1]
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<chunk.sentenceEnds[sentence]])
                    var pieces = [text.count]
                    if let breaker { pieces = try breaker.sentenceEnds(text) }
                    var pieceStart = 0
                    for pieceEnd in pieces {
                        let before = encoder.ids.count
                        let piece = UnsafeBufferPointer(rebasing: text[pieceStart..<pieceEnd])
                        let report =
                            try grouper?.encode(piece, with: encoder, sentenceStart: true)
                            ?? encoder.encode(piece, sentenceStart: true)
                        if encoder.ids.count > before { sentenceCount += 1 }
                        if report.invalidSequences > 0 {
                            invalid += report.invalidSequences
                            if invalidLocation == nil, let offset = report.firstInvalidOffset {
                                invalidLocation = InputLocation(
                                    file: document.location.file, line: chunk.sentenceLines[sentence],
                                    byteOffset: chunk.sentenceOffsets[sentence] + pieceStart + offset)
                            }
                        }
                        pieceStart = pieceEnd
                    }
                }
                if let nul = Self.nulBytes(in: bytes, chunk: chunk, sentences: firstSentence..<document.sentenceEnd) {
                    result.counts.nulBytes += nul.count
                    result.reports.append(
                        SkipReport(
                            location: InputLocation(
                                file: document.location.file, line: nul.line, byteOffset: nul.byteOffset),
                            reason: nil,
                            detail: "\(nul.count) NUL byte(s) in this document, the first here; "
                                + (cleanText
                                    ? "BERT's clean_text drops them and the document is kept (a NUL often means a "
                                        + "binary or UTF-16 file: check it)"
                                    : "kept as characters (--no-clean-text)")))
                }
                firstSentence = document.sentenceEnd
                result.counts.invalidUTF8Sequences += invalid
                if invalid > 0, let location = invalidLocation {
                    switch invalidUTF8 {
                    case .fail:
                        result.failure = TokenizerError(
                            .invalidUTF8,
                            "invalid UTF-8 (\(invalid) sequence(s) in this document); fix the file, or pass "
                                + "--invalid-utf8 replace (read as U+FFFD, dropped) or --invalid-utf8 skip",
                            at: location)
                        return
                    case .skip:
                        rollBack(to: tokenStart, unknown: unknownBefore, words: wordsBefore)
                        sentenceCount = sentencesBefore
                        result.counts.skip(.invalidUTF8)
                        result.reports.append(
                            SkipReport(
                                location: location, reason: .invalidUTF8,
                                detail: "\(invalid) invalid UTF-8 sequence(s), the first here"))
                        continue
                    case .replace:
                        result.reports.append(
                            SkipReport(
                                location: location, reason: nil,
                                detail: "\(invalid) invalid UTF-8 sequence(s) replaced by U+FFFD, the first here"))
                    }
                }
                if encoder.ids.count == tokenStart {
                    result.counts.skip(.empty)
                    result.reports.append(
                        SkipReport(location: document.location, reason: .empty, detail: "the document has no tokens"))
                    continue
                }
                documentOffsets.append(Int64(encoder.ids.count))
                result.documents += 1
            }
        }
        if result.failure != nil { return result }
        result.counts.documentsWritten += result.documents
        result.counts.tokens += encoder.ids.count
        result.counts.unknownTokens += encoder.unknownCount
        result.counts.words += encoder.wordCount
        result.counts.sentences += sentenceCount
        guard result.documents > 0 else { return result }
        let record = try StoreRecord.encode(
            ids: encoder.ids, flags: encoder.flags, documentOffsets: documentOffsets, idType: idType)
        result.rawSize = record.count
        result.frame = try compressor.compressFrame(record)
        result.counts.records += 1
        return result
    }

    /// Counts the NUL bytes of a document's sentences; nil when there are none.
    /// - Returns: The count and the line and input byte offset of the first.
    private static func nulBytes(
        in bytes: UnsafeBufferPointer<UInt8>, chunk: DocumentChunk, sentences: Range<Int>
    ) -> (count: Int, line: Int, byteOffset: Int)? {
        guard let base = bytes.baseAddress, !sentences.isEmpty else { return nil }
        let documentStart = sentences.lowerBound == 0 ? 0 : chunk.sentenceEnds[sentences.lowerBound - 1]
        let documentEnd = chunk.sentenceEnds[sentences.upperBound - 1]
        var position = documentStart
        var count = 0
        var first = -1
        while position < documentEnd, let hit = memchr(base + position, 0, documentEnd - position) {
            let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if first < 0 { first = offset }
            count += 1
            position = offset + 1
        }
        guard count > 0 else { return nil }
        var sentence = sentences.lowerBound
        while chunk.sentenceEnds[sentence] <= first { sentence += 1 }
        let sentenceStart = sentence == 0 ? 0 : chunk.sentenceEnds[sentence - 1]
        return (count, chunk.sentenceLines[sentence], chunk.sentenceOffsets[sentence] + first - sentenceStart)
    }

    private func rollBack(to tokenStart: Int, unknown: Int, words: Int) {
        encoder.ids.removeSubrange(tokenStart...)
        encoder.flags.removeSubrange(tokenStart...)
        encoder.unknownCount = unknown
        encoder.wordCount = words
    }
}
