import MLMCore

/// A batch of whole documents read from the input, the unit of parallel work.
///
/// All sentence texts sit back to back in one contiguous byte buffer; `sentenceEnds[i]` is the end of
/// sentence `i`, and each document owns a contiguous range of sentences. Chunk boundaries depend only on the
/// input, never on the number of threads, so output is the same for any `--threads`.
public struct DocumentChunk: Sendable {
    /// The chunk's position in the run, from 0.
    public var index: Int
    /// UTF-8 text (possibly invalid, checked by the tokenizer) of every sentence, back to back.
    public var bytes: [UInt8] = []
    /// The end offset in `bytes` of each sentence.
    public var sentenceEnds: [Int] = []
    /// The 1-based input line of each sentence.
    public var sentenceLines: [Int] = []
    /// The input byte offset of each sentence's line (for JSON Lines, of the record's line).
    public var sentenceOffsets: [Int] = []
    /// The documents, in input order.
    public var documents: [DocumentInfo] = []
    /// Documents the reader itself skipped (malformed JSON, …), with their locations.
    public var skipped: [SkipReport] = []
    /// Reader-side counts for this chunk: documents read (including those skipped here), lines, bytes.
    public var counts = RunCounts()

    /// Creates an empty chunk.
    /// - Parameter index: The chunk's position in the run.
    public init(index: Int) { self.index = index }

    /// The number of bytes of text held.
    public var byteCount: Int { bytes.count }
}

/// Where one document of a ``DocumentChunk`` is and which sentences it owns.
public struct DocumentInfo: Sendable, Hashable {
    /// The exclusive end of the document's sentences in ``DocumentChunk/sentenceEnds``.
    public var sentenceEnd: Int
    /// Where the document starts in the input.
    public var location: InputLocation

    /// Creates document information.
    /// - Parameters:
    ///   - sentenceEnd: The exclusive end index of its sentences.
    ///   - location: Where it starts.
    public init(sentenceEnd: Int, location: InputLocation) {
        self.sentenceEnd = sentenceEnd
        self.location = location
    }
}
